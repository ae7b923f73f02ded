from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from comptoir.config import views

# A database that does not answer is a 503 with Retry-After (comptoir/operations/unavailable.py).
handler500 = "comptoir.operations.unavailable.server_error"

urlpatterns: list[URLPattern | URLResolver] = [
    # For load balancers and orchestrators: no language prefix, no sign-in (docs/operator-guide.md).
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("comptoir.api.urls")),
    path("notifications/", include("comptoir.notifications.urls")),
]
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("", include("comptoir.inventory.urls")),
    path("", include("comptoir.clients.urls")),
    path("", include("comptoir.casework.urls")),
    path("", include("comptoir.search.urls")),
    path("", include("comptoir.insight.urls")),
    path("", include("comptoir.insight.dashboard_urls")),
    path("", include("comptoir.insight.report_urls")),
    path("", include("comptoir.portal.urls")),
    path("", include("comptoir.measurement.realtime_urls")),
    path("", include("comptoir.notifications.staff_urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)
