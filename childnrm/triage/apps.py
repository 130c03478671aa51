from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "childnrm.triage"
    label = "triage"

    def ready(self) -> None:
        # Referrals cannot import this app (layers): submitting a referral runs the triage registered with it.
        from childnrm.referrals.services import register_triage_on_submit
        from childnrm.triage.services import first_triage

        register_triage_on_submit(first_triage)
