from django.db import migrations


def reinstall(apps, schema_editor):
    # The trigger functions now run without PostgreSQL's JIT (core.triggers); same counts.
    from meetings import rollups

    rollups.install_triggers(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0004_rollups")]

    operations = [migrations.RunPython(reinstall, migrations.RunPython.noop)]
