"""Blocking keys for the children recorded before linkage existed (new ones get theirs on save)."""

from django.db import migrations


def backfill(apps, schema_editor):
    from childnrm.people.linkage_scoring import blocking_keys, profile_from_values

    Child = apps.get_model("people", "Child")
    Referral = apps.get_model("referrals", "Referral")
    ChildBlockingKey = apps.get_model("people", "ChildBlockingKey")
    referrals: dict[int, list] = {}
    for r in Referral.objects.filter(child__isnull=False).order_by("created_at", "id").iterator(chunk_size=2000):
        referrals.setdefault(r.child_id, []).append(
            (r.reference, r.aliases, r.estimated_age_years, r.submitted_at or r.created_at)
        )
    rows = []
    for child in Child.objects.order_by("pk").iterator(chunk_size=2000):
        profile = profile_from_values(
            id=child.pk,
            reference=child.reference,
            given_names=child.given_names,
            family_name=child.family_name,
            date_of_birth=child.date_of_birth,
            date_of_birth_estimated=child.date_of_birth_estimated,
            sex=child.sex,
            nationalities=child.nationalities,
            referrals=referrals.get(child.pk, ()),
        )
        year, estimated = profile.birth_year
        rows += [
            ChildBlockingKey(
                child_id=child.pk, site_id=child.site_id, key=k, birth_year=year, birth_year_estimated=estimated
            )
            for k in sorted(blocking_keys(profile))
        ]
        if len(rows) >= 10000:
            ChildBlockingKey.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    ChildBlockingKey.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_linkage"),
        ("referrals", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
