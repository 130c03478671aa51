from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "childnrm.dashboard"
    label = "dashboard"

    def ready(self) -> None:
        from childnrm.dashboard.templating import case_timeline
        from childnrm.kit.jinja2 import register

        register(globals={"case_timeline": case_timeline})
