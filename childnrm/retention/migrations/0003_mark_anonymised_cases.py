"""Mark the cases anonymised before referrals kept when (`Referral.anonymised_at`, referrals migration 0019): the time
of each case's anonymisation, from the retention item that records it. A part (documents, answers, letters) going
early does not mark the case."""

from django.db import migrations
from django.db.models import Exists, OuterRef, Subquery

CASE_TYPES = ("draft", "referral_not_accepted", "decided_case", "sexual_exploitation_case", "looked_after_case")


def forward(apps, schema_editor) -> None:
    referral = apps.get_model("referrals", "Referral")
    item = apps.get_model("retention", "RetentionItem")
    done = item.objects.filter(
        referral_id=OuterRef("pk"), record_type__in=CASE_TYPES, status="anonymised", anonymised_at__isnull=False
    )
    referral.objects.filter(Exists(done), anonymised_at__isnull=True).update(
        anonymised_at=Subquery(done.order_by("anonymised_at").values("anonymised_at")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0002_referral_referred_on_label"),
        ("referrals", "0019_referral_anonymised_at"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
