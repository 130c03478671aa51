"""Consent at 18 is kept once, as referrals.AdultConsent rows on the young person's case.

Answers recorded on the turning-18 page are moved there first: on the case the panel holds at the child's site
(else their latest case), dated as recorded, by whoever last updated the hand-over, and marked as moved with no
method recorded. A young person with no case to hold the answer keeps it nowhere, so the move refuses to run
rather than lose it.
"""

from django.db import migrations

NOTE = "Moved from the turning-18 hand-over record, which did not record how the answer was given."


def move_consent(apps, schema_editor):
    AdultTransition = apps.get_model("handovers", "AdultTransition")
    AdultConsent = apps.get_model("referrals", "AdultConsent")
    Referral = apps.get_model("referrals", "Referral")
    db = schema_editor.connection.alias  # the database being migrated, not always the default one
    for transition in AdultTransition.objects.using(db).exclude(consent="not_yet_asked").select_related("child"):
        child = transition.child
        cases = (
            Referral.objects.using(db)
            .filter(child_id=child.pk)
            .exclude(status="draft")
            .order_by("-submitted_at", "-id")
        )
        case = cases.filter(site_id=child.site_id, status="accepted").first() or cases.first()
        if case is None:
            raise RuntimeError(f"Child {child.pk} has a consent answer but no case to keep it on.")
        AdultConsent.objects.using(db).create(
            referral_id=case.pk,
            answer=transition.consent,  # "given" and "refused" mean the same in both records
            given_on=transition.consent_recorded_on or transition.updated_at.date(),
            method="not_recorded",
            notes=NOTE,
            recorded_by_id=transition.updated_by_id,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("handovers", "0001_initial"),
        ("referrals", "0008_adult_consent_method_not_recorded"),
    ]

    operations = [
        migrations.RunPython(move_consent, migrations.RunPython.noop),
        migrations.RemoveField(model_name="adulttransition", name="consent"),
        migrations.RemoveField(model_name="adulttransition", name="consent_recorded_on"),
    ]
