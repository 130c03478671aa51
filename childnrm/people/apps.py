from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "childnrm.people"
    label = "people"

    def ready(self) -> None:
        # Connects the receivers that keep each child's blocking keys current.
        import childnrm.people.linkage  # noqa: F401
        from childnrm.kit.jinja2 import register
        from childnrm.people.templating import linkage_for

        register(globals={"linkage_for": linkage_for})
