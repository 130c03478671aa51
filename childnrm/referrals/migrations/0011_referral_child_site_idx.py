# The dashboard's children without a guardian (issue 16): a child's accepted referrals at a site from one index.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0010_referral_turns_18_on"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                fields=["child", "site", "status", "submitted_at", "id"], name="referral_child_site_idx"
            ),
        ),
    ]
