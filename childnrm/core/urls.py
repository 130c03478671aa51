from django.urls import path

from childnrm.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("health/", views.health, name="health"),
    path("session/keep-alive/", views.keep_alive, name="keep-alive"),
    path("session/timed-out/", views.timed_out, name="timed-out"),
]
