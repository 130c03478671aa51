from django.urls import path

from childnrm.case_reviews import views

app_name = "case_reviews"
urlpatterns = [
    path("", views.review_list, name="list"),
    path("new/", views.review_create, name="create"),
    path("your-actions/", views.my_actions, name="my-actions"),
    path("<int:case_review_id>/", views.review_detail, name="detail"),
    path("<int:case_review_id>/change/", views.review_change, name="change"),
    path("<int:case_review_id>/status/", views.review_status, name="status"),
    path("<int:case_review_id>/cases/", views.cases_add, name="cases-add"),
    path("<int:case_review_id>/learning-points/new/", views.learning_point_add, name="learning-point-add"),
    path("<int:case_review_id>/recommendations/new/", views.recommendation_add, name="recommendation-add"),
    path(
        "recommendations/<int:case_review_recommendation_id>/status/",
        views.recommendation_status,
        name="recommendation-status",
    ),
    path("<int:case_review_id>/actions/new/", views.action_add, name="action-add"),
    path("actions/<int:case_review_action_id>/", views.action_detail, name="action"),
    path("actions/<int:case_review_action_id>/update/", views.action_update, name="action-update"),
    path("actions/<int:case_review_action_id>/owner/", views.action_owner, name="action-owner"),
]
