from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo: the top layer, which composes every app's demo records (`manage.py seed_demo`)."""

    name = "childnrm.demo"
    label = "demo"
