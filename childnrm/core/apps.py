from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "childnrm.core"
    label = "core"
