from django.db import migrations


def default_categories(apps, schema_editor):
    """One default category per organization, so that a member is always in one; the rates are the administrators'."""
    Organization = apps.get_model("branches", "Organization")
    FeeCategory = apps.get_model("fees", "FeeCategory")
    for organization in Organization.objects.all():
        FeeCategory.objects.get_or_create(
            organization=organization, code="chung", defaults={"name": "Mức chung", "is_default": True}
        )


class Migration(migrations.Migration):
    dependencies = [("fees", "0001_initial"), ("branches", "0003_organizations")]
    operations = [migrations.RunPython(default_categories, migrations.RunPython.noop)]
