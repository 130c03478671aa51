from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "childnrm.safeguarding"
    label = "safeguarding"
