# The stored working 18th birthday (issue 16): added, filled in for every referral, then indexed.

from datetime import date

from django.db import migrations, models
from django.utils import timezone


def _eighteenth_birthday(born: date) -> date:
    # A copy of referrals.models.eighteenth_birthday as it was when this migration was written.
    try:
        return born.replace(year=born.year + 18)
    except ValueError:
        return date(born.year + 18, 3, 1)


def _turns_18_on(date_of_birth, estimated_age_years, submitted_at):
    # A copy of referrals.models.working_eighteenth_birthday as it was when this migration was written.
    if date_of_birth is not None:
        return _eighteenth_birthday(date_of_birth)
    if estimated_age_years is None or submitted_at is None:
        return None
    on = timezone.localtime(submitted_at).date()
    try:
        born = on.replace(year=on.year - estimated_age_years)
    except ValueError:
        born = date(on.year - estimated_age_years, 2, 28)
    return _eighteenth_birthday(born)


def fill(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    rows = (
        Referral.objects.using(schema_editor.connection.alias)
        .filter(models.Q(date_of_birth__isnull=False) | models.Q(estimated_age_years__isnull=False))
        .values_list("pk", "date_of_birth", "estimated_age_years", "submitted_at")
        .order_by("pk")
    )
    batch: list[tuple] = []
    with schema_editor.connection.cursor() as cursor:
        for pk, born, age, submitted_at in rows.iterator(chunk_size=5000):
            turns = _turns_18_on(born, age, submitted_at)
            if turns is not None:
                batch.append((turns, pk))
            if len(batch) >= 5000:
                cursor.executemany("UPDATE referrals_referral SET turns_18_on = %s WHERE id = %s", batch)
                batch = []
        if batch:
            cursor.executemany("UPDATE referrals_referral SET turns_18_on = %s WHERE id = %s", batch)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0009_triage_models_to_triage_app"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="turns_18_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="Working 18th birthday"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["site", "status", "turns_18_on"], name="referral_turns_18_idx"),
        ),
    ]
