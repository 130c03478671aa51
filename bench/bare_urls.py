"""The application's URLs plus `/bare/`: a Django view that does nothing, the ceiling for this stack.

It runs through every middleware the real pages do (sessions, auth, OTP, axes, the access policy).
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from childnrm.access.decorators import public
from childnrm.urls import handler400, handler403, handler404, handler500
from childnrm.urls import urlpatterns as app_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


@public
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bare/", bare, name="bench-bare"), *app_urlpatterns]
