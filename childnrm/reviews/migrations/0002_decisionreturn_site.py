import django.db.models.deletion
from django.db import migrations, models


def fill_site(apps, schema_editor):
    DecisionReturn = apps.get_model("reviews", "DecisionReturn")
    for row in DecisionReturn.objects.select_related("decision__referral"):
        row.site_id = row.decision.referral.site_id
        row.save(update_fields=["site"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_site_information_request_days_and_more"),
        ("reviews", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="decisionreturn",
            name="site",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decision_returns",
                to="accounts.site",
            ),
        ),
        migrations.RunPython(fill_site, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="decisionreturn",
            name="site",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="decision_returns", to="accounts.site"
            ),
        ),
        migrations.AddIndex(
            model_name="decisionreturn",
            index=models.Index(fields=["site", "-sent_at"], name="decision_return_site_idx"),
        ),
    ]
