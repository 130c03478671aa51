from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "childnrm.decisions"
    label = "decisions"
