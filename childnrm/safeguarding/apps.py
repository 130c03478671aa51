from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "childnrm.safeguarding"
    label = "safeguarding"

    def ready(self) -> None:
        from childnrm.kit.jinja2 import register
        from childnrm.safeguarding.templating import safeguarding_link

        register(globals={"safeguarding_link": safeguarding_link})

        # Decisions cannot import this app (layers); it runs the checks registered with it.
        from childnrm.decisions.checks import register_finalise_check
        from childnrm.safeguarding.decision_checks import plan_problems

        register_finalise_check(plan_problems)

        # Referrals cannot import this app either: accepting a referral runs the hooks registered with it.
        from childnrm.safeguarding.services import safeguarding_from_referral
        from childnrm.triage.services import register_on_accept

        register_on_accept(safeguarding_from_referral)

        # A final decision's "What happens next" lists the plan (decisions cannot import this app).
        from childnrm.decisions.next_steps import register_next_steps
        from childnrm.safeguarding.next_steps import plan_step

        register_next_steps(plan_step)
