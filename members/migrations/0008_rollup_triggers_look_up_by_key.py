from django.db import migrations


def reinstall(apps, schema_editor):
    # The periods' triggers now look each changed period's membership and person up by key
    # for the Party introduction and admission it holds, instead of joining every introduced
    # membership and admitted person of the database; the counts they keep are the same.
    from members import rollups

    rollups.install_triggers(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("members", "0007_rollup_months_from_days")]

    operations = [migrations.RunPython(reinstall, migrations.RunPython.noop)]
