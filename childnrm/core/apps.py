from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "childnrm.core"
    label = "core"

    def ready(self) -> None:
        from childnrm.core.templating import chrome
        from childnrm.kit.jinja2 import register

        register(globals={"chrome": chrome})
