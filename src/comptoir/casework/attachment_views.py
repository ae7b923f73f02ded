"""The staff download of a case's attachment (``comptoir.casework.attachments``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from comptoir.casework import access, attachments


@login_required
@require_safe
def attachment_file(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    """The file, to staff who may see its case (a 404 hides it from the others), as a
    download."""
    if not access.can_work_cases(request.user):
        raise PermissionDenied(_("Your account has no access to cases."))
    attachment = attachments.access_attachment(request.user, reference, pk)
    return attachments.attachment_response(attachment)
