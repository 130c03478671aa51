import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Every request has its asking site (filled by 0005, whose updates must commit before the table is altered)."""

    dependencies = [
        ("information", "0005_informationrequest_asking_site"),
    ]

    operations = [
        migrations.AlterField(
            model_name="informationrequest",
            name="asking_site",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.site"),
        ),
    ]
