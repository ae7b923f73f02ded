"""The GC Notify delivery-report endpoint and the staff page of failed messages."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from comptoir.casework import access
from comptoir.notifications import actions, queries

#: The largest delivery report accepted (GC Notify's are a few hundred bytes).
MAX_REPORT_BYTES = 64 * 1024


def _bearer_token(request: HttpRequest) -> str | None:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@csrf_exempt  # a machine's POST with a bearer token, not a browser form
@require_POST
def gc_notify_callback(request: HttpRequest) -> HttpResponse:
    """GC Notify's delivery report of one email (``id``, ``reference``, ``to``, ``status``,
    ``status_description``, ``provider_response``, ``created_at``, ``completed_at``,
    ``sent_at``, ``notification_type``): 401 without a bearer token, 403 with a wrong one (or
    none configured), 400 for a body that is not a report, 404 for a message Comptoir did not
    send, else 200 (also for a repeated report, which changes nothing)."""
    token = _bearer_token(request)
    if token is None:
        return JsonResponse({"error": "bearer token required"}, status=401)
    expected = settings.COMPTOIR_GC_NOTIFY_CALLBACK_TOKEN
    if not expected or not secrets.compare_digest(token.encode(), expected.encode()):
        return JsonResponse({"error": "invalid token"}, status=403)
    if len(request.body) > MAX_REPORT_BYTES:
        return JsonResponse({"error": "report too large"}, status=400)
    try:
        report = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": "not JSON"}, status=400)
    if not isinstance(report, dict) or not isinstance(report.get("status"), str):
        return JsonResponse({"error": "status required"}, status=400)
    if report.get("notification_type", "email") != "email":
        return JsonResponse({"recorded": False})
    message = actions.find_reported_message(
        str(report.get("id") or ""), str(report.get("reference") or "")
    )
    if message is None:
        return JsonResponse({"error": "unknown notification"}, status=404)
    detail = " — ".join(
        str(report[key]) for key in ("status_description", "provider_response") if report.get(key)
    )
    recorded = actions.do_record_provider_report(message, report["status"], detail=detail)
    return JsonResponse({"recorded": recorded})


@login_required
def failed_messages(request: HttpRequest) -> HttpResponse:
    """Messages to clients that failed or wait for another try, on the cases one may see."""
    if not access.can_work_cases(request.user):
        raise PermissionDenied(_("Your account has no access to cases."))
    listing = queries.troubled_messages(request.user, page=request.GET.get("page"))
    context: dict[str, Any] = {"listing": listing}
    return render(request, "notifications/failed_messages.html", context)
