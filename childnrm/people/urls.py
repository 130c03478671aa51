from django.urls import path

from childnrm.people import views, views_linkage, views_national

app_name = "people"
urlpatterns = [
    # Before the child's own pages: the queue of pairs at two sites the national sweep found, for review.
    path("other-sites/", views_national.national_queue, name="national-queue"),
    path("", views.child_list, name="list"),
    path("<str:reference>/", views.child_detail, name="detail"),
    path("<str:reference>/audit/", views.child_audit, name="audit"),
]

# Linkage: possible other records of the same child, and the coordinator's decisions on them.
urlpatterns += [
    path("<str:reference>/possible-matches/", views_linkage.link_candidates, name="link-candidates"),
    # The national sweep: other sites that may hold a record of this child, and whom to contact there.
    path("<str:reference>/other-sites/", views_linkage.other_sites, name="other-sites"),
    # One pair's review, from the record at the coordinator's site (the other record is never named).
    path("<str:reference>/other-sites/<str:pair_key>/", views_national.national_review, name="national-review"),
]
