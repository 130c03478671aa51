from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "childnrm.learning"
    label = "learning"
    verbose_name = "Learning: the evidence library"

    def ready(self) -> None:
        # The case review page (case_reviews, below this app) shows the review's summaries for the learning log.
        from childnrm.kit.jinja2 import register
        from childnrm.learning.templating import review_summary_panel

        register(globals={"review_summary_panel": review_summary_panel})
