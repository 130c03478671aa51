from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "childnrm.letters"
    label = "letters"
