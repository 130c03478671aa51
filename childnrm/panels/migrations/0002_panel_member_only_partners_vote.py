"""Only the statutory partners (social care, police, health) have a vote on the panel.

A seat of any other agency recorded with a vote before this rule loses it first, so the constraint can be
added: such a seat was never a valid vote (domain.md step 7) and the counting already ignores it.
"""

from django.db import migrations, models

PARTNERS = ("social_care", "police", "health")


def drop_votes_of_other_agencies(apps, schema_editor):
    PanelMember = apps.get_model("panels", "PanelMember")
    PanelMember.objects.filter(voting=True).exclude(agency__in=PARTNERS).update(voting=False)


class Migration(migrations.Migration):
    dependencies = [
        ("panels", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drop_votes_of_other_agencies, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="panelmember",
            constraint=models.CheckConstraint(
                condition=models.Q(("voting", False), ("agency__in", PARTNERS), _connector="OR"),
                name="panel_member_only_partners_vote",
            ),
        ),
    ]
