# Review of the national sweep's pairs at two sites (issue 15; ADR 0029 amendment 2).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import childnrm.people.models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("people", "0007_linkage_models_and_national_sweep"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="NationalLinkPair",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "key",
                    models.CharField(
                        default=childnrm.people.models.new_pair_key, editable=False, max_length=13, unique=True
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Not reviewed yet"),
                            ("contacted", "The other site has been contacted"),
                            ("same_child", "Confirmed: the same child"),
                            ("not_same_child", "Not the same child"),
                        ],
                        default="open",
                        max_length=16,
                    ),
                ),
                ("match_probability", models.FloatField()),
                ("first_found_at", models.DateTimeField()),
                (
                    "child_a",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="people.child"),
                ),
                (
                    "child_b",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="people.child"),
                ),
                (
                    "sweep",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="people.nationalsweep",
                    ),
                ),
            ],
            options={
                "ordering": ["-first_found_at", "-match_probability", "id"],
                "indexes": [
                    models.Index(fields=["child_b", "child_a"], name="national_link_pair_b_idx"),
                    models.Index(fields=["status", "-first_found_at"], name="national_link_pair_status_idx"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("child_a", "child_b"), name="national_link_pair_unique"),
                    models.CheckConstraint(
                        condition=models.Q(("child_a__lt", models.F("child_b"))), name="national_link_pair_ordered"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="NationalLinkReview",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("contacted", "We have contacted the other site"),
                            ("same_child", "Confirmed: the same child"),
                            ("not_same_child", "Not the same child"),
                        ],
                        max_length=16,
                    ),
                ),
                ("reason", models.TextField()),
                ("recorded_at", models.DateTimeField()),
                (
                    "child",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="people.child"),
                ),
                (
                    "pair",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reviews",
                        to="people.nationallinkpair",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "site",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.site"
                    ),
                ),
            ],
            options={
                "ordering": ["-recorded_at", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("reason", ""), _negated=True), name="national_link_review_reason"
                    )
                ],
            },
        ),
    ]
