from childnrm.api.api import api

app_name = "api"  # the namespace ninja reverses its own routes in (NinjaAPI urls_namespace)
urlpatterns = api.urls[0]
