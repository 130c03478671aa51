from childnrm.referrals import urls_journey, urls_triage

app_name = "referrals"
urlpatterns = [*urls_journey.urlpatterns, *urls_triage.urlpatterns]
