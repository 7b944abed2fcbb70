import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    MembershipPeriod = apps.get_model("members", "MembershipPeriod")
    Membership = apps.get_model("members", "Membership")
    MembershipPeriod.objects.update(
        person_id=models.Subquery(Membership.objects.filter(pk=models.OuterRef("membership_id")).values("person_id"))
    )
    first_periods = MembershipPeriod.objects.filter(membership=models.OuterRef("pk")).order_by("valid_from")
    Membership.objects.update(joined_branch_id=models.Subquery(first_periods.values("branch_id")[:1]))
    Membership.objects.filter(joined_branch__isnull=True).update(joined_branch_id=models.F("branch_id"))


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial"), ("branches", "0002_initial")]

    operations = [
        migrations.AddField(
            model_name="historicalmembershipperiod",
            name="person",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="members.person",
                verbose_name="person",
            ),
        ),
        migrations.AddField(
            model_name="membershipperiod",
            name="person",
            field=models.ForeignKey(
                null=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="members.person",
                verbose_name="person",
            ),
        ),
        migrations.AddField(
            model_name="membershipperiod",
            name="shares_person",
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.AddField(
            model_name="historicalmembership",
            name="joined_branch",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                help_text="The branch the member was admitted in.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="branches.branch",
                verbose_name="branch joined",
            ),
        ),
        migrations.AddField(
            model_name="membership",
            name="joined_branch",
            field=models.ForeignKey(
                null=True,
                editable=False,
                help_text="The branch the member was admitted in.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="branches.branch",
                verbose_name="branch joined",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="membership",
            name="joined_branch",
            field=models.ForeignKey(
                editable=False,
                help_text="The branch the member was admitted in.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="branches.branch",
                verbose_name="branch joined",
            ),
        ),
        migrations.AlterField(
            model_name="membershipperiod",
            name="person",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="members.person",
                verbose_name="person",
            ),
        ),
        migrations.RemoveIndex(model_name="membership", name="membership_org_joined_idx"),
        migrations.AddIndex(
            model_name="membership", index=models.Index(fields=["joined_branch", "joined_on"], name="membership_joined_idx")
        ),
        migrations.AddIndex(
            model_name="membership", index=models.Index(fields=["branch", "ended_on"], name="membership_ended_idx")
        ),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(fields=["introduced_to_party_on"], name="membership_introduced_idx"),
        ),
        migrations.RemoveIndex(model_name="membershipperiod", name="period_branch_dates_idx"),
        migrations.AddIndex(
            model_name="membershipperiod",
            index=models.Index(
                fields=["branch", "valid_from", "valid_to"],
                include=["status", "shares_person", "person"],
                name="period_roll_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="membershipperiod",
            index=models.Index(
                condition=models.Q(("shares_person", True)),
                fields=["branch", "valid_from", "valid_to"],
                include=["person"],
                name="period_shared_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="person", index=models.Index(fields=["party_joined_on"], name="person_party_joined_idx")
        ),
    ]
