"""The coordinator's routes: the queue, triage (and correcting its facts), consent at 18 and the case packet."""

from django.urls import path

from childnrm.referrals import views_earlier_records, views_triage

urlpatterns = [
    path("queue/", views_triage.queue, name="queue"),
    path("<str:referral_reference>/triage/", views_triage.triage, name="triage"),
    path("<str:referral_reference>/triage/facts/", views_triage.correct_facts, name="triage-facts"),
    # The coordinator's answer about a possible earlier record of the child, given on the triage page.
    path(
        "<str:referral_reference>/triage/earlier-records/<str:reference>/",
        views_earlier_records.earlier_record_decide,
        name="triage-earlier-record",
    ),
    path("<str:referral_reference>/consent-at-18/", views_triage.adult_consent, name="adult-consent"),
    path("<str:referral_reference>/case-packet/", views_triage.handoff_page, name="handoff"),
    path("<str:referral_reference>/case-packet.json", views_triage.handoff_json, name="handoff-json"),
    path("<str:referral_reference>/case-packet.pdf", views_triage.handoff_pdf, name="handoff-pdf"),
]
