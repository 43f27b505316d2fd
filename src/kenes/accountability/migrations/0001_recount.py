"""Count the proposals already stored into the public counters (once, at upgrade)."""

from django.db import migrations


def recount(apps, schema_editor):  # type: ignore[no-untyped-def]
    from kenes.accountability.recount import recount_items

    Proposal = apps.get_model("proposals", "Proposal")
    Answer = apps.get_model("review", "Answer")
    Tally = apps.get_model("counters", "Tally")
    Tally.objects.all().delete()
    rows = [Tally(version_id=v, dim=d, key=k[:80], n=n) for v, d, k, n in recount_items(Proposal, Answer) if n]
    Tally.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("counters", "0001_initial"),
        ("proposals", "0003_proposal_form_date"),
        ("review", "0001_initial"),
    ]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]
