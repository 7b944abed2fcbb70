from django.db import migrations

DEFAULT_SCHEME = ("DEFAULT", "Mạnh – Khá – Trung bình – Yếu kém")
DEFAULT_GRADES = [("strong", "Mạnh"), ("good", "Khá"), ("average", "Trung bình"), ("weak", "Yếu kém")]
# Offered for an administrator to assign to the Youth Union from a year of their choosing.
TASK_SCHEME = ("NHIEMVU", "Mức độ hoàn thành nhiệm vụ")
TASK_GRADES = [
    ("excellent", "Hoàn thành xuất sắc nhiệm vụ"),
    ("well_done", "Hoàn thành tốt nhiệm vụ"),
    ("done", "Hoàn thành nhiệm vụ"),
    ("not_done", "Không hoàn thành nhiệm vụ"),
]
FIRST_YEAR = 2000


def create(apps, schema_editor):
    RatingScheme = apps.get_model("ratings", "RatingScheme")
    Grade = apps.get_model("ratings", "Grade")
    SchemeAssignment = apps.get_model("ratings", "SchemeAssignment")
    Organization = apps.get_model("branches", "Organization")
    for (code, name), grades in ((DEFAULT_SCHEME, DEFAULT_GRADES), (TASK_SCHEME, TASK_GRADES)):
        scheme, _ = RatingScheme.objects.update_or_create(code=code, defaults={"name": name})
        for order, (grade_code, label) in enumerate(grades, start=1):
            Grade.objects.update_or_create(scheme=scheme, code=grade_code, defaults={"label": label, "order": order})
    default = RatingScheme.objects.get(code=DEFAULT_SCHEME[0])
    for organization in Organization.objects.filter(code__in=["DOAN", "HND", "LHPN", "CCB"]):
        SchemeAssignment.objects.get_or_create(
            organization=organization, from_year=FIRST_YEAR, defaults={"scheme": default}
        )


def remove(apps, schema_editor):
    apps.get_model("ratings", "SchemeAssignment").objects.filter(from_year=FIRST_YEAR).delete()
    apps.get_model("ratings", "RatingScheme").objects.filter(code__in=[DEFAULT_SCHEME[0], TASK_SCHEME[0]]).delete()


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial"), ("branches", "0003_organizations")]
    operations = [migrations.RunPython(create, remove)]
