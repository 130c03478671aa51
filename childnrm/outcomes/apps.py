from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "childnrm.outcomes"
    label = "outcomes"

    def ready(self) -> None:
        # Decisions cannot import this app (layers): a decision becoming final runs the hooks registered with it.
        from childnrm.decisions.checks import register_on_final
        from childnrm.outcomes.services import on_decision_final

        register_on_final(on_decision_final)

        # The child's page (people, below this app) links to the child's outcome reviews through a template function.
        from childnrm.kit.jinja2 import register
        from childnrm.outcomes.templating import outcome_reviews_link

        register(globals={"outcome_reviews_link": outcome_reviews_link})
