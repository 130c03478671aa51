from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "childnrm.dashboard"
    label = "dashboard"
