from django.urls import path

from childnrm.people import views, views_linkage

app_name = "people"
urlpatterns = [
    path("", views.child_list, name="list"),
    path("<str:reference>/", views.child_detail, name="detail"),
    path("<str:reference>/audit/", views.child_audit, name="audit"),
]

# Linkage: possible other records of the same child, and the coordinator's decisions on them.
urlpatterns += [
    path("<str:reference>/possible-matches/", views_linkage.link_candidates, name="link-candidates"),
]
