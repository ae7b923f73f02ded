from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasurementConfig(AppConfig):
    name = "comptoir.measurement"
    label = "measurement"
    verbose_name = _("Measurement")

    def ready(self) -> None:
        # Each case's standard facts follow its events: measured again once they are stored
        # (synchronously, after the commit: one case's rules and one upsert, see
        # docs/decisions/0013-standard-facts.md). The bulk writer sends no signal; history is
        # measured by ``comptoir performance recompute``.
        from comptoir.casework.signals import events_recorded
        from comptoir.measurement.performance import on_events_recorded

        events_recorded.connect(
            on_events_recorded, dispatch_uid="comptoir.measurement.standard_facts"
        )
        # Then the stored real-time figures of "instantaneous" standards (docs/measurement.md).
        from comptoir.measurement.realtime import on_events_recorded as refresh_instantaneous

        events_recorded.connect(refresh_instantaneous, dispatch_uid="comptoir.measurement.realtime")
