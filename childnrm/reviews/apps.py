from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "childnrm.reviews"
    label = "reviews"

    def ready(self) -> None:
        # A meeting chaired by the original decision's chair may not take its reconsideration (panels cannot
        # import the decisions app, so the rule is registered from here).
        from childnrm.decisions import reconsideration
        from childnrm.panels import services as panel_services
        from childnrm.panels import suggestions
        from childnrm.panels.models import AgendaStage
        from childnrm.reviews import agenda

        if reconsideration.agenda_refusal not in panel_services.AGENDA_CHECKS:
            panel_services.AGENDA_CHECKS.append(reconsideration.agenda_refusal)
        # Requests received are suggested for the agenda, and listed through this app when their case is added.
        if agenda.reconsiderations_received not in suggestions.SUGGESTERS:
            suggestions.SUGGESTERS.append(agenda.reconsiderations_received)
        panel_services.AGENDA_LISTERS[AgendaStage.RECONSIDERATION] = agenda.list_received_reconsideration
        # A listed request follows its case when it leaves a sitting's agenda undecided.
        from childnrm.reviews.services import reconsideration_follows_agenda

        if reconsideration_follows_agenda not in panel_services.AGENDA_ITEM_LEFT_HOOKS:
            panel_services.AGENDA_ITEM_LEFT_HOOKS.append(reconsideration_follows_agenda)

        # A final decision's "What happens next" lists the SCA return and any reconsideration.
        from childnrm.decisions.next_steps import register_next_steps
        from childnrm.reviews.next_steps import review_steps

        register_next_steps(review_steps)
