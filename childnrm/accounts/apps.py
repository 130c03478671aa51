from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "childnrm.accounts"
    label = "accounts"
