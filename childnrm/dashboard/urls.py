from django.urls import path

from childnrm.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:site_slug>/", views.site_dashboard, name="site"),
    # Each section's full list: one route each, so the access matrix checks who may open each.
    *(
        path(f"<slug:site_slug>/{spec.slug}/", views.section_list, {"kind": spec.kind}, name=spec.slug)
        for spec in views.SECTIONS
    ),
]
