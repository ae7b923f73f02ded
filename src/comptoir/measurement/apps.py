from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasurementConfig(AppConfig):
    name = "comptoir.measurement"
    label = "measurement"
    verbose_name = _("Measurement")
