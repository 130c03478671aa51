app_name = "referrals"
# Routes are added by: web journey (views_journey), the coordinator's queue and triage (views_triage),
# documents (views_documents). Every view must declare its access rule (childnrm.access.decorators).
urlpatterns: list = []
