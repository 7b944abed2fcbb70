from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workbooks", "0003_area_moves_to_areas"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="last sign of life"),
        ),
    ]
