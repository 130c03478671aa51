from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "childnrm.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from childnrm.accounts.nations import rules
        from childnrm.kit.jinja2 import register

        # `nation_rules(site)` in a template: the law, guidance and guardian service of the site's nation.
        register(globals={"nation_rules": rules})

        # What taking someone's roles away costs, read by the apps above accounts (access_loss.READERS): each
        # app's `access_loss` module registers its reader when imported.
        autodiscover_modules("access_loss")
