"""The triage models now belong to the triage app (its migration 0001): forgotten here, state only.

Their tables and rows stay as they are; the triage app's models name the same tables.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0008_adult_consent_method_not_recorded"),
        ("triage", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="triageassessment",
                    name="confirmed_by",
                ),
                migrations.RemoveField(
                    model_name="triageassessment",
                    name="final_site",
                ),
                migrations.RemoveField(
                    model_name="triageassessment",
                    name="referral",
                ),
                migrations.RemoveField(
                    model_name="triageassessment",
                    name="target_site",
                ),
                migrations.DeleteModel(
                    name="HandOff",
                ),
                migrations.DeleteModel(
                    name="TriageAssessment",
                ),
            ],
        ),
    ]
