"""Close the safeguarding plans that anonymisations before 2026-12-07 left active: since then a child's active plan
closes with the child's record (`retention.anonymise`), and the services refuse writes to it, but an active plan left
from before still stood on the child's page as open. It closes as of when the record went (the last of the child's
cases anonymised), by nobody, with the service's own reason; its actions stay as they were."""

from django.db import migrations
from django.db.models import Exists, Max, OuterRef, Subquery

# As retention.anonymise.PLAN_CLOSED_REASON was written when this migration was (a migration keeps its own copy).
PLAN_CLOSED_REASON = "Closed when the child's records were anonymised at the end of their retention period."


def forward(apps, schema_editor) -> None:
    referral = apps.get_model("referrals", "Referral")
    plan = apps.get_model("safeguarding", "SafeguardingPlan")
    cases = referral.objects.filter(child_id=OuterRef("child_id"))
    # A child's record is anonymised when every case of theirs is (referrals.anonymised.child_anonymised_at).
    went_at = (
        referral.objects.filter(child_id=OuterRef("child_id"))
        .values("child_id")
        .annotate(last=Max("anonymised_at"))
        .values("last")[:1]
    )
    plan.objects.filter(
        Exists(cases.filter(anonymised_at__isnull=False)),
        ~Exists(cases.filter(anonymised_at__isnull=True)),
        status="active",
    ).update(status="closed", closed_at=Subquery(went_at), closed_by=None, close_reason=PLAN_CLOSED_REASON)


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0003_mark_anonymised_cases"),
        ("safeguarding", "0007_dashboard_covering_indexes"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
