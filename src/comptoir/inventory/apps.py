from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "comptoir.inventory"
    label = "inventory"
    verbose_name = _("Service inventory")

    def ready(self) -> None:
        from comptoir.inventory import checks  # noqa: F401 (registers the system checks)
