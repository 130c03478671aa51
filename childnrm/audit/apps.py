from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class AuditConfig(AppConfig):
    name = "childnrm.audit"
    label = "audit"

    def ready(self) -> None:
        from childnrm.audit.services import AUDIT_SWITCHABLE_IN

        # Auditing cannot be switched off in production: refuse to start rather than run unaudited.
        if not settings.AUDIT_ENABLED and settings.ENVIRONMENT not in AUDIT_SWITCHABLE_IN:
            raise ImproperlyConfigured(
                f"AUDIT_ENABLED is False in the {settings.ENVIRONMENT!r} environment: auditing may be "
                f"switched off only in {sorted(AUDIT_SWITCHABLE_IN)} (their own settings modules)"
            )
