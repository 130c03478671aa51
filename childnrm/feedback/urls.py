from django.urls import path

from childnrm.feedback import views

app_name = "feedback"
urlpatterns = [
    path("summary/", views.summary, name="summary"),
    path("children/<str:reference>/", views.child_feedback, name="child"),
    path("children/<str:reference>/start/", views.start, name="start"),
    path("sessions/<int:feedback_session_id>/", views.session, name="session"),
    path("sessions/<int:feedback_session_id>/cancel/", views.cancel, name="cancel"),
    # The child's pages: no sign-in (ADR 0022). "thank-you" and the support pages before the token, which never has
    # any of those forms.
    path("your-say/", views.code, name="code"),
    path("your-say/thank-you/", views.thanks, name="thanks"),
    path("your-say/your-answers/", views.childs_privacy, name="privacy"),
    path("your-say/using-these-pages/", views.childs_accessibility, name="accessibility"),
    path("your-say/<str:feedback_token>/", views.child_form, name="form"),
]
