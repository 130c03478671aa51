from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "childnrm.accounts"
    label = "accounts"

    def ready(self) -> None:
        from childnrm.accounts.nations import rules
        from childnrm.kit.jinja2 import register

        # `nation_rules(site)` in a template: the law, guidance and guardian service of the site's nation.
        register(globals={"nation_rules": rules})
