from django.urls import path

from childnrm.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/security-code/", views.second_factor, name="second-factor"),
    path("sign-in/set-up-authenticator/", views.enrol, name="enrol"),
    path("recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("recovery-codes/new/", views.recovery_codes_new, name="recovery-codes-new"),
    path("authenticator/", views.authenticator_change, name="authenticator-change"),
    path("authenticator/set-up/", views.authenticator_change_set_up, name="authenticator-change-set-up"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("", views.account, name="account"),
    path("password/", views.password_change, name="password-change"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path("password-reset/sent/", views.password_reset_sent, name="password-reset-sent"),
    path("password-reset/<uidb64>/<token>/", views.password_reset_confirm, name="password-reset-confirm"),
    path("password-reset/complete/", views.password_reset_complete, name="password-reset-complete"),
    path("users/", views.site_users, name="site-users"),
    path("users/<slug:site_slug>/", views.site_user_list, name="site-user-list"),
    path("users/<slug:site_slug>/add/", views.site_user_add, name="site-user-add"),
    path("users/<slug:site_slug>/<int:user_id>/", views.site_user_detail, name="site-user-detail"),
    path("users/<slug:site_slug>/<int:user_id>/remove/", views.site_user_remove, name="site-user-remove"),
    path(
        "users/<slug:site_slug>/<int:user_id>/reset-second-factor/",
        views.site_user_reset_second_factor,
        name="site-user-reset-second-factor",
    ),
    path("policy/", views.site_policies, name="site-policies"),
    path("policy/<slug:site_slug>/", views.site_policy, name="site-policy"),
    path("policy/<slug:site_slug>/change/", views.site_policy_change, name="site-policy-change"),
    path("policy/<slug:site_slug>/language/", views.site_language, name="site-language"),
    path("language/", views.language, name="language"),
]
