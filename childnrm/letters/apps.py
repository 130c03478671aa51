from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "childnrm.letters"
    label = "letters"

    def ready(self) -> None:
        # A final decision's "What happens next" lists the letters, explaining it to the child and telling the
        # guardian (decisions cannot import this app).
        from childnrm.decisions.next_steps import register_next_steps
        from childnrm.letters.next_steps import letter_steps

        register_next_steps(letter_steps)

        # A referrer's own referral and a child's record show their letters (those apps cannot import this one).
        from childnrm.kit.jinja2 import register
        from childnrm.letters.templating import (
            decision_letters,
            letter_language_name,
            outcome_name,
            referrer_letters,
            stage_name,
        )

        register(
            globals={
                "referrer_letters": referrer_letters,
                "decision_letters": decision_letters,
                "stage_name": stage_name,
                "outcome_name": outcome_name,
                "letter_language_name": letter_language_name,
            }
        )
