from django.urls import path

from childnrm.safeguarding import views

app_name = "safeguarding"
urlpatterns = [
    path("", views.plan_list, name="plans"),
    path("your-actions/", views.my_actions, name="my-actions"),
    path("children/<str:reference>/", views.child_safeguarding, name="child"),
    path("children/<str:reference>/plans/new/", views.plan_create, name="plan-create"),
    path("children/<str:reference>/statutory-status/new/", views.period_add, name="period-add"),
    path("children/<str:reference>/strategy-discussions/new/", views.strategy_add, name="strategy-add"),
    path("children/<str:reference>/guardian/", views.guardian, name="guardian"),
    path("children/<str:reference>/guardian/end/", views.guardian_end, name="guardian-end"),
    path("children/<str:reference>/from-referral/confirm/", views.referral_confirm, name="referral-confirm"),
    path("children/<str:reference>/social-worker/", views.social_worker, name="social-worker"),
    path("children/<str:reference>/safety-map/", views.safety_map_page, name="safety-map"),
    path("children/<str:reference>/safety-map/new/", views.link_add, name="link-add"),
    path("safety-map/<int:link_id>/no-longer-current/", views.link_end, name="link-end"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/review-date/", views.plan_review_date, name="plan-review-date"),
    path("plans/<int:plan_id>/close/", views.plan_close, name="plan-close"),
    path("plans/<int:plan_id>/actions/new/", views.action_add, name="action-add"),
    path("plans/<int:plan_id>/childs-views/new/", views.child_views_add, name="child-views-add"),
    path("actions/<int:action_id>/", views.action_detail, name="action"),
    path("actions/<int:action_id>/update/", views.action_update, name="action-update"),
    path("actions/<int:action_id>/child-agreement/", views.action_child_agreement, name="action-agreement"),
    path("statutory-periods/<int:period_id>/end/", views.period_end, name="period-end"),
]
