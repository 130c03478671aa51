from django.apps import AppConfig


class CaseReviewsConfig(AppConfig):
    name = "childnrm.case_reviews"
    label = "case_reviews"
    verbose_name = "Case reviews: learning from the site's own cases"
