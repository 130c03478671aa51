from django.apps import AppConfig


class InformationConfig(AppConfig):
    name = "childnrm.information"
    label = "information"

    def ready(self) -> None:
        # A case's papers show what agencies shared (panels cannot import this app, so it is registered here).
        from childnrm.information.selectors import answers_for_case
        from childnrm.panels import selectors as panel_selectors

        if answers_for_case not in panel_selectors.PAPER_ANSWERS:
            panel_selectors.PAPER_ANSWERS.append(answers_for_case)
