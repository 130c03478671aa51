from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "childnrm.training"
    label = "training"
    verbose_name = "Training and its evaluation"
