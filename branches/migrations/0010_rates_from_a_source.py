from django.db import migrations, models
import django.db.models.deletion

# The rates kept before funding sources existed applied to the whole database: they become the
# rates of one province-level source with no area (every area), so every past figure stays.
MIGRATED_SOURCE = "Mức phụ cấp chung của tỉnh"


def rates_to_source(apps, schema_editor):
    FundingSource = apps.get_model("branches", "FundingSource")
    AllowanceRate = apps.get_model("branches", "AllowanceRate")
    if not AllowanceRate.objects.filter(source__isnull=True).exists():
        return
    source, _ = FundingSource.objects.get_or_create(name=MIGRATED_SOURCE, defaults={"level": "province"})
    AllowanceRate.objects.filter(source__isnull=True).update(source=source)


def sources_to_rates(apps, schema_editor):
    FundingSource = apps.get_model("branches", "FundingSource")
    AllowanceRate = apps.get_model("branches", "AllowanceRate")
    AllowanceRate.objects.exclude(source__name=MIGRATED_SOURCE).delete()
    FundingSource.objects.exclude(name=MIGRATED_SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("branches", "0009_terms_meeting_day_funding_sources")]

    operations = [
        migrations.RunPython(rates_to_source, sources_to_rates),
        migrations.AlterField(
            model_name="allowancerate",
            name="source",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="rates",
                to="branches.fundingsource",
                verbose_name="funding source",
            ),
        ),
    ]
