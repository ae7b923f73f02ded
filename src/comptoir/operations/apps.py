from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "comptoir.operations"
    label = "operations"
    verbose_name = _("Operations")

    def ready(self) -> None:
        # The deployment checks of ``comptoir check --deploy`` (scripts/serve runs them).
        from comptoir.operations import checks  # noqa: F401
