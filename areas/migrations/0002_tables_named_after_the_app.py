from django.db import migrations


def content_types_follow(apps, schema_editor):
    """Keep the permissions and admin log entries of areas: their content types move with the model."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    moved = ContentType.objects.filter(app_label="branches", model__in=["area", "historicalarea"])
    for content_type in moved:
        if not ContentType.objects.filter(app_label="areas", model=content_type.model).exists():
            content_type.app_label = "areas"
            content_type.save(update_fields=["app_label"])


def content_types_go_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="areas", model__in=["area", "historicalarea"]).update(app_label="branches")


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0001_initial"),
        ("branches", "0006_area_moves_to_areas"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="area", table=None),
        migrations.AlterModelTable(name="historicalarea", table=None),
        migrations.RunPython(content_types_follow, content_types_go_back),
    ]
