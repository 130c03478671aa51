# Issue 8: one final version per referral and stage, and an outcome on every decision taken.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0005_findings_votes_and_policy"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "final")),
                fields=("referral", "stage"),
                name="decision_one_final_per_stage",
            ),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["draft", "returned"]), models.Q(("outcome", ""), _negated=True), _connector="OR"
                ),
                name="decision_outcome_unless_draft",
            ),
        ),
    ]
