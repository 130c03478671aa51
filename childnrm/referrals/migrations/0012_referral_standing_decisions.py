# The decisions that stand, kept on the referral (issue 16): added, filled in from the decisions, then indexed for
# the dashboard's lists of cases not yet decided at reasonable or conclusive grounds.

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    # As decisions.standing.refresh_standing when this migration was written: the one final version of each stage.
    alias = schema_editor.connection.alias
    Referral = apps.get_model("referrals", "Referral")
    Decision = apps.get_model("decisions", "Decision")
    standing = Decision.objects.using(alias).filter(referral=OuterRef("pk"), status="final")
    rg = standing.filter(stage="reasonable_grounds")
    cg = standing.filter(stage="conclusive_grounds")
    decided = Decision.objects.using(alias).filter(status="final").values("referral_id")
    Referral.objects.using(alias).filter(pk__in=decided).update(
        standing_rg_decided_on=Subquery(rg.values("decided_on")[:1]),
        standing_rg_outcome=Coalesce(Subquery(rg.values("outcome")[:1]), Value("")),
        standing_cg_decided_on=Subquery(cg.values("decided_on")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0011_referral_child_site_idx"),
        ("decisions", "0006_one_final_version_and_outcome"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="standing_rg_decided_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="Reasonable grounds decided on"),
        ),
        migrations.AddField(
            model_name="referral",
            name="standing_rg_outcome",
            field=models.CharField(
                blank=True, editable=False, max_length=16, verbose_name="Reasonable grounds outcome"
            ),
        ),
        migrations.AddField(
            model_name="referral",
            name="standing_cg_decided_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="Conclusive grounds decided on"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        # "Turned 18: waiting on consent" reads only the referrals not decided at CG: the index of 0010 made partial.
        migrations.RemoveIndex(model_name="referral", name="referral_turns_18_idx"),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("standing_cg_decided_on__isnull", True), ("status", "accepted")),
                fields=["site", "turns_18_on"],
                name="referral_consent_awaited_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("standing_rg_decided_on__isnull", True), ("status__in", ["submitted", "accepted"])),
                fields=["site", "submitted_at", "id"],
                name="referral_rg_running_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(
                    ("standing_cg_decided_on__isnull", True),
                    ("standing_rg_outcome", "positive"),
                    ("status", "accepted"),
                ),
                fields=["site", "standing_rg_decided_on"],
                name="referral_cg_awaited_idx",
            ),
        ),
    ]
