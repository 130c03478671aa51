from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "childnrm.access"
    label = "access"
