import django.db.models.deletion
from django.db import migrations, models


def remove(apps, schema_editor):
    # SQLite rebuilds the table to drop the branch's own index, and refuses while triggers
    # name the table it drops: they are removed for the while and put back the same.
    from members import rollups

    rollups.remove_triggers(schema_editor)


def reinstall(apps, schema_editor):
    from members import rollups

    rollups.install_triggers(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("branches", "0011_organization_eligible_gender"),
        ("members", "0008_rollup_triggers_look_up_by_key"),
    ]

    operations = [
        # The index on (branch, combo) serves the look-ups by branch that the branch's own did.
        migrations.AddIndex(
            model_name="rollupcombobranch",
            index=models.Index(fields=["branch", "combo"], name="rollup_combo_branch_by_branch"),
        ),
        migrations.RunPython(remove, reinstall),
        migrations.AlterField(
            model_name="rollupcombobranch",
            name="branch",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="branches.branch",
            ),
        ),
        migrations.RunPython(reinstall, remove),
    ]
