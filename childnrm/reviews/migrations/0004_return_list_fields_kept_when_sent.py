"""What the list of returns shows of each export (reference, stage, version, outcome), kept on the return as text so
that the list reads none of the exports.

Backfills the returns already sent from their stored export, whichever shape it has (this app's own format from before
the decisions app had its export, the decisions app's, an anonymised one): read as `reviews.export.summary` read them
when this was written (copied here, so that the migration means the same whatever that function becomes). A return
whose export retention has already anonymised is still named by its case's reference, as its own page names it; the
rest of what was sent is gone with the export.
"""

from django.db import migrations, models

FIELDS = ("sent_reference", "sent_stage", "sent_version", "sent_outcome")


def _text(value) -> str:
    return "" if value is None else str(value)


def listed(data) -> dict[str, str]:
    data = data if isinstance(data, dict) else {}
    decision = data.get("decision") if isinstance(data.get("decision"), dict) else data
    referral = data.get("referral") if isinstance(data.get("referral"), dict) else {}
    return {
        "sent_reference": _text(
            data.get("referral_reference") or data.get("case_reference") or referral.get("reference", "")
        ),
        "sent_stage": _text(decision.get("stage_label") or decision.get("stage", "")),
        "sent_version": _text(decision.get("version", "")),
        "sent_outcome": _text(decision.get("outcome_label") or decision.get("outcome", "")),
    }


def backfill(apps, schema_editor):
    DecisionReturn = apps.get_model("reviews", "DecisionReturn")
    ids = list(DecisionReturn.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 500):  # a few exports at a time: each is a whole decision record
        chunk = list(
            DecisionReturn.objects.filter(pk__in=ids[start : start + 500])
            .select_related("decision__referral")
            .only("id", "export", "decision__id", "decision__referral__id", "decision__referral__reference")
        )
        for sent in chunk:
            for field, value in listed(sent.export).items():
                setattr(sent, field, value)
            if not sent.sent_reference:  # the export says nothing (anonymised): the case still names it
                sent.sent_reference = sent.decision.referral.reference
        DecisionReturn.objects.bulk_update(chunk, FIELDS)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_reconsideration_window_and_routes"),
    ]

    operations = [
        migrations.AddField(
            model_name="decisionreturn",
            name="sent_reference",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="decisionreturn",
            name="sent_stage",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="decisionreturn",
            name="sent_version",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="decisionreturn",
            name="sent_outcome",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
