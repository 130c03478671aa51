from django.urls import path

from childnrm.people import views

app_name = "people"
urlpatterns = [
    path("", views.child_list, name="list"),
    path("<str:reference>/", views.child_detail, name="detail"),
    path("<str:reference>/audit/", views.child_audit, name="audit"),
]
