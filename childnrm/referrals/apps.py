from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "childnrm.referrals"
    label = "referrals"

    def ready(self) -> None:
        # An undo can reopen pairs settled through other records (ADR 0034): the possible earlier records of those
        # records' referrals awaiting triage are searched again (people cannot import referrals).
        from childnrm.people import services as people_services
        from childnrm.referrals.services import possible_earlier_records_searched_again

        if possible_earlier_records_searched_again not in people_services.LINK_UNDONE_HOOKS:
            people_services.LINK_UNDONE_HOOKS.append(possible_earlier_records_searched_again)
        # Nothing new is recorded about a child whose record retention has anonymised (ADR 0008 amendment 1), in
        # the people services as in every other app.
        from childnrm.referrals.anonymised import child_record_closed, children_anonymised

        if child_record_closed not in people_services.CHILD_CLOSED_CHECKS:
            people_services.CHILD_CLOSED_CHECKS.append(child_record_closed)
        if children_anonymised not in people_services.CLOSED_CHILDREN:
            people_services.CLOSED_CHILDREN.append(children_anonymised)
