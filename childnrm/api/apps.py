from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "childnrm.api"
    label = "api"
    verbose_name = "Integration API"
