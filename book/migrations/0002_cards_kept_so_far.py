from django.db import migrations


def cards_kept_so_far(apps, schema_editor):
    """The card numbers the roll held become first issues of an unknown date."""
    Membership = apps.get_model("members", "Membership")
    MemberCard = apps.get_model("book", "MemberCard")
    batch = []
    for pk, number in Membership.objects.exclude(card_number="").values_list("pk", "card_number").iterator():
        batch.append(MemberCard(membership_id=pk, number=number, reason="first"))
        if len(batch) >= 5000:
            MemberCard.objects.bulk_create(batch)
            batch = []
    MemberCard.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("book", "0001_initial")]
    operations = [migrations.RunPython(cards_kept_so_far, migrations.RunPython.noop)]
