from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "comptoir.insight"
    label = "insight"
    verbose_name = _("Insight")

    def ready(self) -> None:
        # The survey invitation after a resolution (``insight.survey_receivers``).
        from comptoir.insight import survey_receivers  # noqa: F401
