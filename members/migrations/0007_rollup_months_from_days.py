from django.db import migrations


def reinstall(apps, schema_editor):
    # The triggers' month upsert now draws the checkpoints from the day changes (an import of
    # 100.000 periods joined each to every month since it began: 8 million rows); the counts
    # they keep are the same, so nothing is recomputed; and the functions run without JIT.
    from members import rollups

    rollups.install_triggers(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("members", "0006_rollups")]

    operations = [migrations.RunPython(reinstall, migrations.RunPython.noop)]
