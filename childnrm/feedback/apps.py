from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "childnrm.feedback"
    label = "feedback"

    def ready(self) -> None:
        # The child's page (people, below this app) links to the child's feedback through a template function.
        from childnrm.feedback.templating import child_feedback_link
        from childnrm.kit.jinja2 import register

        register(globals={"child_feedback_link": child_feedback_link})
