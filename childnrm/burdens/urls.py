from django.urls import path

from childnrm.burdens import views

app_name = "burdens"
urlpatterns = [
    path("your-time/", views.my_time, name="mine"),
    path("cases/<str:burden_case_reference>/", views.case_time, name="case"),
    path("cases/<str:burden_case_reference>/log/", views.time_log, name="log"),
    path("sittings/", views.sittings, name="sittings"),
    path("sittings/<int:burden_meeting_id>/", views.sitting, name="sitting"),
    path("rates/", views.rates_index, name="rates"),
    path("rates/<slug:site_slug>/", views.site_rates, name="site-rates"),
    path("costs/", views.costs, name="costs"),
]
