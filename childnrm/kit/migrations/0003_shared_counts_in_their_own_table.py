"""The counts every worker shares in a table of their own (kit.counters, ADR 0022 amendment 2), in place of Django's
database cache, whose increments reset a count's expiry to the cache's 300 seconds. The cache's table goes: its
counts lived minutes, and nothing else used it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("kit", "0002_shared_cache_table")]

    operations = [
        migrations.CreateModel(
            name="SharedCount",
            fields=[
                ("key", models.CharField(max_length=200, primary_key=True, serialize=False)),
                ("value", models.IntegerField()),
                ("expires_at", models.DateTimeField(db_index=True)),
            ],
        ),
        migrations.RunSQL("DROP TABLE IF EXISTS childnrm_shared_cache", migrations.RunSQL.noop, elidable=True),
    ]
