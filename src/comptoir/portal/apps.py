from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The public pages clients use: submit, feedback, the status page and its look-up."""

    name = "comptoir.portal"
    label = "portal"
    verbose_name = _("Client portal")
