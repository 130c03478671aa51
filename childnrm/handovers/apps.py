from django.apps import AppConfig


class HandoversConfig(AppConfig):
    name = "childnrm.handovers"
    label = "handovers"
