"""The triage models, taken over from the referrals app: state only, no row moves.

The tables keep their names (referrals_triageassessment, referrals_handoff: the models' Meta.db_table), so a
database migrated before the split only learns that these models now belong here (referrals migration 0009
forgets them there).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0007_user_language_site_default_language_nation"),
        ("referrals", "0008_adult_consent_method_not_recorded"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="OnwardReferral",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "outcome",
                            models.CharField(
                                choices=[
                                    ("panel", "This site's panel decides"),
                                    ("other_site", "Another site's panel decides"),
                                    ("sca", "The Single Competent Authority decides"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("produced_at", models.DateTimeField(auto_now_add=True)),
                        ("packet", models.JSONField()),
                        ("sha256", models.CharField(max_length=64)),
                        (
                            "from_site",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.site"
                            ),
                        ),
                        (
                            "produced_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "referral",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="onward_referrals",
                                to="referrals.referral",
                            ),
                        ),
                        (
                            "to_site",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="accounts.site",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "referrals_handoff",
                        "ordering": ["-produced_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="TriageAssessment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "outcome",
                            models.CharField(
                                choices=[
                                    ("panel", "This site's panel decides"),
                                    ("other_site", "Another site's panel decides"),
                                    ("sca", "The Single Competent Authority decides"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("reasons", models.JSONField(default=list)),
                        ("rules_version", models.CharField(max_length=20)),
                        ("assessed_at", models.DateTimeField(auto_now_add=True)),
                        ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "final_outcome",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("panel", "This site's panel decides"),
                                    ("other_site", "Another site's panel decides"),
                                    ("sca", "The Single Competent Authority decides"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("override_reason", models.TextField(blank=True)),
                        (
                            "confirmed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "final_site",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="accounts.site",
                            ),
                        ),
                        (
                            "referral",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="triage_assessments",
                                to="referrals.referral",
                            ),
                        ),
                        (
                            "target_site",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="accounts.site",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "referrals_triageassessment",
                        "ordering": ["-assessed_at", "-id"],
                    },
                ),
            ],
        ),
    ]
