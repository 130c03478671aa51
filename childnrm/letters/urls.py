from django.urls import path

from childnrm.letters import views

app_name = "letters"
urlpatterns = [
    path("", views.index, name="index"),
    path("decisions/<int:letters_decision_id>/", views.decision, name="decision"),
    path("decisions/<int:letters_decision_id>/produce/", views.produce, name="produce"),
    path("decisions/<int:letters_decision_id>/tell-guardian/", views.tell_guardian, name="tell-guardian"),
    path("decisions/<int:letters_decision_id>/explanations/add/", views.explanation_add, name="explanation-add"),
    path("decisions/<int:letters_decision_id>/language/", views.child_language, name="child-language"),
    path("explanations/<int:explanation_id>/", views.explanation, name="explanation"),
    path("<int:letter_id>/download/", views.download, name="download"),
]
