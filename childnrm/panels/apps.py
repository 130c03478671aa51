from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "childnrm.panels"
    label = "panels"

    def ready(self) -> None:
        # The triage page (referrals cannot import this app) offers the next sitting once a case is accepted.
        from childnrm.kit.jinja2 import register
        from childnrm.panels.templating import next_sitting_offer

        register(globals={"next_sitting_offer": next_sitting_offer})

        # The site administrator's page for a user (accounts cannot import this app) offers a seat on the panel.
        from childnrm.panels.seats import panel_seat_offer

        register(globals={"panel_seat_offer": panel_seat_offer})
