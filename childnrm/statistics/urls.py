from django.urls import path

from childnrm.statistics import views

app_name = "statistics"
urlpatterns = [
    path("", views.index, name="index"),
    path("equality/", views.equality, name="equality"),
    path("pilot/", views.pilot, name="pilot"),
    path("consistency/", views.consistency, name="consistency"),
    # What to download is in the query (?table=...&format=csv, with the page's filters): no record in the path.
    path("download/", views.download, name="download"),
    path("home-office-return/", views.home_office_return, name="home-office-return"),
]
