from django.contrib import admin
from django.urls import include, path

from kg.views import health

urlpatterns = [
    path("livez", health.livez, name="livez"),
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("notes/", include("kg.views.notes_urls")),
    path("", include("kg.views.urls")),
    path("papers/", include("papers.urls")),
]
