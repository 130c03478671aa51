from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "childnrm.panels"
    label = "panels"
