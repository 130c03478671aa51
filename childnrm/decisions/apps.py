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
