import django.db.models.deletion
from django.db import migrations, models

BATCH = 500


def fill_asking_site(apps, schema_editor):
    """The site that asked: the site its creation was audited at (the case's site then), else the case's site now.

    A case transferred since keeps its earlier requests with the site that asked them, so they end with the case
    (information.services.ended_with_case) as a request made from now on does."""
    InformationRequest = apps.get_model("information", "InformationRequest")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    Site = apps.get_model("accounts", "Site")
    sites = set(Site.objects.values_list("pk", flat=True))
    rows = list(InformationRequest.objects.order_by("pk").values_list("pk", "referral__site_id"))
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        audited = dict(
            AuditEvent.objects.filter(
                object_type="information.informationrequest",
                object_id__in=[str(pk) for pk, _site in batch],
                action="create",
                site_id__isnull=False,
            )
            .order_by("-seq")  # the first event written wins (written last into the dict)
            .values_list("object_id", "site_id")
        )
        by_site: dict[int, list[int]] = {}
        for pk, case_site in batch:
            site = audited.get(str(pk))
            by_site.setdefault(site if site in sites else case_site, []).append(pk)
        for site, pks in by_site.items():  # one statement per site in the batch, not per request
            InformationRequest.objects.filter(pk__in=pks).update(asking_site_id=site)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_user_language_site_default_language_nation"),
        ("audit", "0003_batch_seals"),
        ("information", "0004_lawful_bases_of_every_nation"),
    ]

    operations = [
        migrations.AddField(
            model_name="informationrequest",
            name="asking_site",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.site"
            ),
        ),
        migrations.RunPython(fill_asking_site, migrations.RunPython.noop),
        # NOT NULL comes in 0006, in its own transaction: on PostgreSQL the updates above leave the new key's deferred
        # checks pending, and a table with pending trigger events cannot be altered in the same transaction.
    ]
