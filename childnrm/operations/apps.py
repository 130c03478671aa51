from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "childnrm.operations"
    label = "operations"
    verbose_name = "Operations: backup and restore"
