from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "comptoir.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # What a case's new events send to the client (``casework.signals.events_recorded``).
        from comptoir.notifications import checks, receivers  # noqa: F401
