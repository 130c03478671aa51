from django.apps import AppConfig


class BurdensConfig(AppConfig):
    name = "childnrm.burdens"
    label = "burdens"
    verbose_name = "New burdens: time spent on cases and what it costs"

    def ready(self) -> None:
        # Decisions, plans and information requests (below this app) link to logging time through a template
        # function.
        from childnrm.burdens.templating import time_log_link
        from childnrm.kit.jinja2 import register

        register(globals={"time_log_link": time_log_link})
