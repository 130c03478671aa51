from django.urls import path

from childnrm.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:site_slug>/", views.site_dashboard, name="site"),
]
