"""Clear, in cases and children anonymised before 2026-12-07, what the anonymiser has cleared since (ADR 0008
amendment 1) but did not then: the social worker named at referral, consent notes, the triage rules' reasons (which
quote the date of birth), decisions' reasoning on slavery, best interests, the plan in place and support after a
negative, who brought a reconsideration request, and, for a child's record, the lead social workers, what a
coordinator found about a national pair and why legal holds were placed and lifted.

Such cases are never offered to the DPO again (their retention item is done), so nothing else would clear them. As
`retention.anonymise` clears them, field by field (a migration keeps its own copy of the list); `anonymised_at` and
everything kept for the figures stay as they are.
"""

from django.db import migrations
from django.db.models import Exists, OuterRef
from django.utils import timezone

ANONYMISED_NAME = "Anonymised"


def forward(apps, schema_editor) -> None:
    referral = apps.get_model("referrals", "Referral")
    anonymised = referral.objects.filter(anonymised_at__isnull=False)
    anonymised.update(social_worker_name="", social_worker_team="", social_worker_email="", social_worker_phone="")
    apps.get_model("referrals", "AdultConsent").objects.filter(referral__in=anonymised).exclude(notes="").update(
        notes=""
    )
    apps.get_model("triage", "TriageAssessment").objects.filter(referral__in=anonymised).update(
        override_reason="", reasons=[]
    )
    apps.get_model("decisions", "Decision").objects.filter(referral__in=anonymised).update(
        slavery_reasoning="", best_interests="", plan_in_place_reason="", support_after_negative=""
    )
    apps.get_model("reviews", "ReconsiderationRequest").objects.filter(decision__referral__in=anonymised).exclude(
        routed_through_name=""
    ).update(routed_through_name=ANONYMISED_NAME)

    # A child's record is anonymised with the last of the child's cases (referrals.anonymised.child_anonymised_at).
    child = apps.get_model("people", "Child")
    cases = referral.objects.filter(child_id=OuterRef("pk"))
    children = child.objects.filter(
        Exists(cases.filter(anonymised_at__isnull=False)), ~Exists(cases.filter(anonymised_at__isnull=True))
    )
    apps.get_model("people", "NationalLinkReview").objects.filter(child__in=children).update(reason=ANONYMISED_NAME)
    social_workers = apps.get_model("people", "LeadSocialWorker").objects.filter(child__in=children)
    social_workers.update(name=ANONYMISED_NAME, team="", email="", phone="", reason="")
    now = timezone.now()
    social_workers.filter(ends_at__isnull=True, starts_at__lte=now).update(ends_at=now)
    apps.get_model("retention", "LegalHold").objects.filter(child__in=children).update(reason="", lift_reason="")


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0004_close_plans_of_anonymised_children"),
        ("referrals", "0019_referral_anonymised_at"),
        ("triage", "0001_initial"),
        ("decisions", "0007_decision_final_walk_idx"),
        ("reviews", "0004_return_list_fields_kept_when_sent"),
        ("people", "0016_lead_social_worker_email_index"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
