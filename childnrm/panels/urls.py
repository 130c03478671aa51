from django.urls import path

from childnrm.panels import views, views_seats

app_name = "panels"
urlpatterns = [
    path("members/", views.members, name="members"),
    path("members/add/", views.member_add, name="member-add"),
    path("members/<int:member_id>/change/", views.member_change, name="member-change"),
    path("members/<int:member_id>/remove/", views.member_remove, name="member-remove"),
    path("members/seat/<slug:site_slug>/<int:user_id>/", views_seats.seat_offer, name="seat-offer"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/schedule/", views.meeting_schedule, name="meeting-schedule"),
    path("your-meetings/", views.my_meetings, name="my-meetings"),
    path("meetings/<int:meeting_id>/", views.meeting, name="meeting"),
    path("meetings/<int:meeting_id>/change/", views.meeting_change, name="meeting-change"),
    path("meetings/<int:meeting_id>/open/", views.meeting_open, name="meeting-open"),
    path("meetings/<int:meeting_id>/close/", views.meeting_close, name="meeting-close"),
    path("meetings/<int:meeting_id>/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path("meetings/<int:meeting_id>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:meeting_id>/attendees/add/", views.attendee_add, name="attendee-add"),
    path("meetings/<int:meeting_id>/attendees/remove/", views.attendee_remove, name="attendee-remove"),
    path("meetings/<int:meeting_id>/agenda/", views.agenda, name="agenda"),
    path("meetings/<int:meeting_id>/agenda/<int:item_id>/remove/", views.agenda_remove, name="agenda-remove"),
    path("cases/<str:referral_reference>/next-sitting/", views.next_sitting_add, name="next-sitting-add"),
    path("meetings/<int:meeting_id>/agenda/<int:item_id>/conflicts/", views.conflicts, name="conflicts"),
    path("meetings/<int:meeting_id>/papers/<int:item_id>/", views.papers, name="papers"),
    path("meetings/<int:meeting_id>/papers/<int:item_id>/document/", views.paper_document, name="paper-document"),
]
