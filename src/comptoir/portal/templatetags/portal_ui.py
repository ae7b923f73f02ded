"""Template helpers of the portal's pages."""

import json

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def portal_footer_links_json() -> str:
    """The footer's contextual links (the portal's own pages, no staff page) as the JSON object
    ``gcds-footer`` expects."""
    links = {
        str(_("Contact us")): reverse("portal_home"),
        str(_("Follow your request")): reverse("portal_lookup"),
        str(_("Give feedback")): reverse("portal_feedback"),
    }
    return json.dumps(links, ensure_ascii=False)


@register.simple_tag
def privacy_notice_url() -> str:
    """The department's full privacy notice (``COMPTOIR_PRIVACY_NOTICE_URL``), or ``""``."""
    from django.conf import settings

    return str(getattr(settings, "COMPTOIR_PRIVACY_NOTICE_URL", "") or "")
