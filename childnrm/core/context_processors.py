from django.conf import settings
from django.http import HttpRequest

from childnrm.core.navigation import nav_items_for


def service(request: HttpRequest) -> dict:
    nav_items = nav_items_for(request)
    return {
        "service_name": settings.SERVICE_NAME,
        "nav_items": nav_items,
        # The service navigation macro's items; the section being used is the "current" page, as it always was
        # (a section's link may redirect, to the user's own site for instance, so paths are not compared).
        "service_navigation": [{"href": i.url, "text": i.label, "current": i.active} for i in nav_items],
    }
