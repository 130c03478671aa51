from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "childnrm.audit"
    label = "audit"
