from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_site_information_request_days_and_more"),
    ]

    operations = [
        migrations.AlterField(
            model_name="membership",
            name="role",
            field=models.CharField(
                choices=[
                    ("first_responder", "First responder"),
                    ("coordinator", "Panel coordinator"),
                    ("chair", "Panel chair"),
                    ("panel_member", "Panel member"),
                    ("adviser", "Advisory attendee"),
                    ("ictg", "Independent Child Trafficking Guardian"),
                    ("sca_quality_assurer", "SCA quality assurer"),
                    ("analyst", "Analyst"),
                    ("site_admin", "Site administrator"),
                    ("data_protection_officer", "Data protection officer"),
                ],
                max_length=32,
            ),
        ),
    ]
