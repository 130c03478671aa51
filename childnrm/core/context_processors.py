from django.conf import settings
from django.http import HttpRequest

from childnrm.core.navigation import nav_items_for


def service(request: HttpRequest) -> dict:
    return {"service_name": settings.SERVICE_NAME, "nav_items": nav_items_for(request)}
