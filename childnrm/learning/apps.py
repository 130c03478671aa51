from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "childnrm.learning"
    label = "learning"
    verbose_name = "Learning: the evidence library"

    def ready(self) -> None:
        # Pages of apps below this one show the case review's summaries for the learning log and links to the
        # library's published guidance (templating.py).
        from childnrm.kit.jinja2 import register
        from childnrm.learning.templating import case_library_links, library_links, review_summary_panel

        register(
            globals={
                "review_summary_panel": review_summary_panel,
                "library_links": library_links,
                "case_library_links": case_library_links,
            }
        )
