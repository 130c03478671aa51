from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "childnrm.safeguarding"
    label = "safeguarding"

    def ready(self) -> None:
        # Decisions cannot import this app (layers); it runs the checks registered with it.
        from childnrm.decisions.checks import register_finalise_check
        from childnrm.safeguarding.decision_checks import plan_problems

        register_finalise_check(plan_problems)
