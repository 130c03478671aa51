from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "childnrm.referrals"
    label = "referrals"
