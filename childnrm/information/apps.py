from django.apps import AppConfig


class InformationConfig(AppConfig):
    name = "childnrm.information"
    label = "information"
