from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "childnrm.people"
    label = "people"
