from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "childnrm.access"
    label = "access"

    def ready(self) -> None:
        # Audit events record the actor's roles; audit sits below access, so the policy's answer is registered.
        from childnrm.access.policy import roles_at
        from childnrm.audit import services as audit_services

        if roles_at not in audit_services.ACTOR_ROLES:
            audit_services.ACTOR_ROLES.append(roles_at)
