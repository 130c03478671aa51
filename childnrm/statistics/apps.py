from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "childnrm.statistics"
    label = "statistics"
