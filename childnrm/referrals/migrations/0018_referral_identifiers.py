"""A referral keeps the child's Home Office reference and NHS number (issue 15, ADR 0029 amendment 7).

On SQLite Django adds a NOT NULL column by rebuilding the table, which the triggers of people migration 0014 (on
`referrals_referral`, and reading it) forbid: there the columns are added in place, which SQLite allows for a column
with a constant default. PostgreSQL adds them as Django does.
"""

from django.db import migrations, models

COLUMNS = (("home_office_reference", 200), ("nhs_number", 10))


def _fields():
    for name, length in COLUMNS:
        field = models.CharField(max_length=length, blank=True, default="")
        field.set_attributes_from_name(name)
        yield field


def forward(apps, schema_editor) -> None:
    referral = apps.get_model("referrals", "Referral")
    if schema_editor.connection.vendor == "sqlite":
        for name, length in COLUMNS:
            schema_editor.execute(
                f'ALTER TABLE "referrals_referral" ADD COLUMN "{name}" varchar({length}) NOT NULL DEFAULT \'\''
            )
        return
    for field in _fields():
        schema_editor.add_field(referral, field)


def reverse(apps, schema_editor) -> None:
    referral = apps.get_model("referrals", "Referral")
    if schema_editor.connection.vendor == "sqlite":
        for name, _ in COLUMNS:
            schema_editor.execute(f'ALTER TABLE "referrals_referral" DROP COLUMN "{name}"')
        return
    for field in _fields():
        schema_editor.remove_field(referral, field)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0017_drop_referral_accepted_walk_idx"),
        ("people", "0015_area_keys"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forward, reverse)],
            state_operations=[
                migrations.AddField(
                    model_name="referral",
                    name="home_office_reference",
                    field=models.CharField(blank=True, max_length=200),
                ),
                migrations.AddField(
                    model_name="referral",
                    name="nhs_number",
                    field=models.CharField(blank=True, max_length=10, verbose_name="NHS number"),
                ),
            ],
        )
    ]
