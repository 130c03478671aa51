from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "childnrm.reviews"
    label = "reviews"
