"""A referral keeps when retention anonymised it (`Referral.anonymised_at`), so every app can tell a case kept for its
figures from one still worked on (`referrals.anonymised`). Cases anonymised before are marked by retention migration
0003, from the retention items that record it.

A nullable column without a default: SQLite adds it in place (no table rebuild, which the triggers of people
migration 0014 would forbid)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0018_referral_identifiers"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="anonymised_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
