from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "childnrm.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation: data-sharing agreements, extracts and synthetic data"
