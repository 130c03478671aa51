# Who decides at triage, kept on the referral (issue 16): added, filled in from the latest assessments, then indexed
# for the queue's "who decides" filter.

from django.db import migrations, models
from django.db.models import Case, F, OuterRef, Subquery, When


def fill(apps, schema_editor):
    # As triage.standing.refresh_outcomes when this migration was written: the outcome of the latest assessment by
    # assessed_at then id, the coordinator's once confirmed, else the engine's. Drafts have none and keep "".
    alias = schema_editor.connection.alias
    Referral = apps.get_model("referrals", "Referral")
    TriageAssessment = apps.get_model("triage", "TriageAssessment")
    latest = TriageAssessment.objects.using(alias).filter(referral=OuterRef("pk")).order_by("-assessed_at", "-id")
    kept = Case(When(final_outcome="", then=F("outcome")), default=F("final_outcome"))
    assessed = TriageAssessment.objects.using(alias).values("referral_id")
    Referral.objects.using(alias).filter(pk__in=assessed).update(
        standing_triage_outcome=Subquery(latest.annotate(kept=kept).values("kept")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0012_referral_standing_decisions"),
        ("triage", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="standing_triage_outcome",
            field=models.CharField(blank=True, editable=False, max_length=16, verbose_name="Triage outcome"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                fields=["site", "standing_triage_outcome", "submitted_at", "id", "status"],
                name="referral_queue_outcome_idx",
            ),
        ),
    ]
