from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "childnrm.retention"
    label = "retention"
    verbose_name = "Retention and erasure"
