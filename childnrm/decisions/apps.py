from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "childnrm.decisions"
    label = "decisions"

    def ready(self) -> None:
        # The agenda suggests the decisions due (panels cannot import this app, so they are registered from here).
        from childnrm.decisions import agenda
        from childnrm.panels import suggestions

        for suggester in (agenda.reasonable_grounds_due, agenda.conclusive_grounds_ready):
            if suggester not in suggestions.SUGGESTERS:
                suggestions.SUGGESTERS.append(suggester)

        # No anonymised case goes on an agenda, whatever the page that asks (panels cannot import this app either).
        from childnrm.panels import services as panel_services

        if agenda.anonymised_refusal not in panel_services.AGENDA_CHECKS:
            panel_services.AGENDA_CHECKS.append(agenda.anonymised_refusal)

        # The meeting page (panels) offers "Record the decision" for each case while the sitting is in session.
        from childnrm.decisions.templating import sitting_decisions
        from childnrm.kit.jinja2 import register

        register(globals={"sitting_decisions": sitting_decisions})

        # The guidance's title and test in the reader's language (the decision keeps them in English).
        from childnrm.decisions import guidance

        register(
            filters={
                "guidance_title": guidance.title_shown,
                "guidance_test": guidance.test_shown,
                "guidance_test_translated": guidance.test_translated,
            }
        )
