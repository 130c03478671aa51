from django.urls import path

from childnrm.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.index, name="index"),
    path("holds/", views.holds_index, name="holds-index"),
    path("holds/<int:hold_id>/lift/", views.hold_lift, name="hold-lift"),
    path("<slug:site_slug>/", views.item_list, name="list"),
    path("<slug:site_slug>/approve/", views.approve, name="approve"),
    path("<slug:site_slug>/schedule/", views.schedule, name="schedule"),
    path("<slug:site_slug>/schedule/<str:record_type>/", views.rule_edit, name="rule"),
    path("<slug:site_slug>/holds/", views.holds, name="holds"),
]
