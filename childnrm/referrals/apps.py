from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "childnrm.referrals"
    label = "referrals"

    def ready(self) -> None:
        # A link decision can settle pairs through other records (ADR 0034): the kept possible earlier records of
        # every referral of those records are searched again (people cannot import referrals).
        from childnrm.people import services as people_services
        from childnrm.referrals.services import possible_earlier_records_searched_again

        if possible_earlier_records_searched_again not in people_services.LINK_DECISION_HOOKS:
            people_services.LINK_DECISION_HOOKS.append(possible_earlier_records_searched_again)
