from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "childnrm.learning"
    label = "learning"
    verbose_name = "Learning: the evidence library"
