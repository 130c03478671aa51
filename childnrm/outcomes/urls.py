from django.urls import path

from childnrm.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("your-reviews/", views.my_reviews, name="mine"),
    path("children/<str:reference>/", views.child_outcomes, name="child"),
    path("children/<str:reference>/missing/new/", views.missing_add, name="missing-add"),
    path("reviews/<int:review_id>/", views.review, name="review"),
    path("missing/<int:episode_id>/", views.missing_edit, name="missing-edit"),
    path("schedules/", views.schedules, name="schedules"),
    path("schedules/<slug:site_slug>/", views.schedule, name="schedule"),
]
