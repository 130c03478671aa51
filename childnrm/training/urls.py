from django.urls import path

from childnrm.training import views

app_name = "training"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("sessions/<int:training_session_id>/book/", views.book, name="book"),
    path("your-places/<int:training_attendance_id>/cancel/", views.cancel, name="cancel"),
    path("your-places/<int:training_attendance_id>/<slug:training_stage>/", views.assessment, name="assessment"),
    path("courses/", views.courses, name="courses"),
    path("courses/add/", views.course_add, name="course-add"),
    path("courses/<int:training_course_id>/", views.course, name="course"),
    path("courses/<int:training_course_id>/change/", views.course_change, name="course-change"),
    path("courses/<int:training_course_id>/evaluation/", views.evaluation, name="evaluation"),
    path("courses/<int:training_course_id>/sessions/add/", views.session_add, name="session-add"),
    path("sessions/<int:training_session_id>/", views.session, name="session"),
    path("sessions/<int:training_session_id>/change/", views.session_change, name="session-change"),
    path("sessions/<int:training_session_id>/attendees/add/", views.attendee_add, name="attendee-add"),
    path("sessions/<int:training_session_id>/register/", views.register, name="register"),
    path("settings/", views.settings, name="settings"),
]
