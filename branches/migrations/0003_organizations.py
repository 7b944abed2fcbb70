from django.db import migrations

# The four main organizations of SPEC section 3, with the words their branches and members go by.
ORGANIZATIONS = [
    # code, name, short name, branch word, member word, min age, max age, order
    ("DOAN", "Đoàn TNCS Hồ Chí Minh", "Đoàn Thanh niên", "chi đoàn", "đoàn viên", 16, 30, 1),
    ("HND", "Hội Nông dân Việt Nam", "Hội Nông dân", "chi hội", "hội viên", 18, None, 2),
    ("LHPN", "Hội Liên hiệp Phụ nữ Việt Nam", "Hội Phụ nữ", "chi hội", "hội viên", 18, None, 3),
    ("CCB", "Hội Cựu chiến binh Việt Nam", "Hội Cựu chiến binh", "chi hội", "hội viên", None, None, 4),
]


def create(apps, schema_editor):
    Organization = apps.get_model("branches", "Organization")
    for code, name, short, branch_word, member_word, min_age, max_age, order in ORGANIZATIONS:
        Organization.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short,
                "branch_word": branch_word,
                "member_word": member_word,
                "min_age": min_age,
                "max_age": max_age,
                "sort_order": order,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("branches", "Organization").objects.filter(code__in=[o[0] for o in ORGANIZATIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("branches", "0002_initial")]
    operations = [migrations.RunPython(create, remove)]
