"""The clients' API router (``/api/clients/``): look-up and list, one client, creation (with an
idempotency key) and correction (with the version read)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from ninja import Field, Query, Router, Schema
from ninja.params.functions import Header as HeaderParam

from comptoir.api.actions import run_idempotent
from comptoir.api.auth import caller
from comptoir.api.errors import ApiError, ErrorCode
from comptoir.api.pagination import PageParams, paginate
from comptoir.clients.access import access_client, access_client_for_edit, can_view_clients
from comptoir.clients.actions import do_create_client, do_log_client_read, do_update_client
from comptoir.clients.models import Client, ClientPage, ContactPoint
from comptoir.clients.queries import find_clients

router = Router(tags=["clients"])


class ContactPointOut(Schema):
    kind: str
    value: str
    normalized: str
    label: str
    is_primary: bool


class ClientSummary(Schema):
    id: int
    kind: str
    display_name: str
    preferred_language: str
    segment: str
    is_confidential: bool
    is_anonymous: bool


class ClientDetail(ClientSummary):
    given_name: str
    family_name: str
    organization_name: str
    alternate_formats: list[str]
    account_manager: int | None
    created_at: str
    merged_into: int | None = Field(
        None,
        description="The record this one was merged into (a duplicate): read and change that one.",
    )
    version: int = Field(description="Send it back (If-Match or version) to correct the record.")
    contact_points: list[ContactPointOut]


class ClientPageOut(Schema):
    items: list[ClientSummary]
    count: int
    next: str | None


class ClientIn(Schema):
    kind: str = Field(description="person or organization")
    preferred_language: str = Field(description="en or fr")
    segment: str
    given_name: str = Field("", max_length=200)
    family_name: str = Field("", max_length=200)
    organization_name: str = Field("", max_length=300)
    alternate_formats: list[str] = Field(default_factory=list)
    is_confidential: bool = False
    is_anonymous: bool = False


class ClientCorrection(Schema):
    reason: str = Field(max_length=1000, description="Why the record is corrected (kept).")
    version: int | None = Field(None, description="The version read (or send If-Match).")
    kind: str | None = None
    given_name: str | None = Field(None, max_length=200)
    family_name: str | None = Field(None, max_length=200)
    organization_name: str | None = Field(None, max_length=300)
    preferred_language: str | None = None
    alternate_formats: list[str] | None = None
    segment: str | None = None
    is_confidential: bool | None = None
    is_anonymous: bool | None = None


class Lookup(Schema):
    q: str | None = Field(None, max_length=200, description="Name, email or phone (look-up).")


def client_version(client: Client) -> int:
    """The record's version: its latest history row (every saved change makes a new one)."""
    latest = client.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return int(latest or 0)


def _summary(client: Client) -> dict[str, Any]:
    return {
        "id": client.pk,
        "kind": client.kind,
        "display_name": client.display_name,
        "preferred_language": client.preferred_language,
        "segment": client.segment,
        "is_confidential": client.is_confidential,
        "is_anonymous": client.is_anonymous,
    }


def _detail(client: Client) -> dict[str, Any]:
    points = ContactPoint.objects.filter(client=client, is_active=True).order_by("pk")
    return {
        **_summary(client),
        "given_name": client.given_name,
        "family_name": client.family_name,
        "organization_name": client.organization_name,
        "alternate_formats": client.alternate_format_codes,
        "account_manager": client.account_manager_id,
        "created_at": client.created_at.isoformat(),
        "merged_into": client.merged_into_id,
        "version": client_version(client),
        "contact_points": [
            {
                "kind": point.kind,
                "value": point.value,
                "normalized": point.normalized,
                "label": point.label,
                "is_primary": point.is_primary,
            }
            for point in points
        ],
    }


def _require_viewer(user: Any) -> None:
    if not can_view_clients(user):
        raise ApiError(403, ErrorCode.FORBIDDEN)


@router.get("", response=ClientPageOut, summary="Clients the caller may see, or a look-up")
def list_clients(
    request: HttpRequest, lookup: Query[Lookup], paging: Query[PageParams]
) -> dict[str, Any]:
    """Without ``q``: every client the caller may see, paginated. With ``q``: the best matches
    of the look-up (at most ``limit``, capped by the look-up's own bound; no next page)."""
    user = caller(request)
    _require_viewer(user)
    if lookup.q and lookup.q.strip():
        found = find_clients(user, lookup.q, limit=paging.limit)
        return {"items": [_summary(c) for c in found], "count": len(found), "next": None}
    return paginate(request, Client.objects.visible_to(user), paging, _summary)


@router.get("{client_id}", response=ClientDetail, summary="One client")
def get_client(request: HttpRequest, client_id: int) -> dict[str, Any]:
    user = caller(request)
    _require_viewer(user)
    client = access_client(user, client_id)
    do_log_client_read(client, page=ClientPage.DETAIL, actor=user)
    return _detail(client)


@router.post("", response={201: ClientDetail}, summary="Create a client (idempotent with a key)")
def create_client(
    request: HttpRequest,
    payload: ClientIn,
    idempotency_key: Annotated[str | None, HeaderParam(None, alias="Idempotency-Key")] = None,
) -> JsonResponse:
    user = caller(request)
    if not (can_view_clients(user) and user.has_perm("clients.add_client")):
        raise ApiError(403, ErrorCode.FORBIDDEN)

    def create() -> tuple[int, Any]:
        client = do_create_client(**payload.dict(), actor=user)
        return 201, json.loads(json.dumps(_detail(client)))

    status, body = run_idempotent(
        user=user,
        key=idempotency_key,
        method="POST",
        path=request.path,
        body=request.body,
        create=create,
    )
    return JsonResponse(body, status=status)


def _version_sent(if_match: str | None, body_version: int | None) -> int:
    if if_match:
        text = if_match.strip().removeprefix("W/").strip('"')
        if text.isdigit():
            return int(text)
        raise ApiError(
            400,
            ErrorCode.VALIDATION,
            fields={"If-Match": [ApiError(400, ErrorCode.VERSION_REQUIRED).message]},
        )
    if body_version is not None:
        return body_version
    raise ApiError(
        400,
        ErrorCode.VERSION_REQUIRED,
        fields={"version": [ApiError(400, ErrorCode.VERSION_REQUIRED).message]},
    )


@router.patch("{client_id}", response=ClientDetail, summary="Correct a client (with a version)")
def correct_client(
    request: HttpRequest,
    client_id: int,
    payload: ClientCorrection,
    if_match: Annotated[str | None, HeaderParam(None, alias="If-Match")] = None,
) -> dict[str, Any]:
    """Optimistic concurrency: the version read must still be the record's, else 409 and
    nothing changes."""
    user = caller(request)
    _require_viewer(user)
    client = access_client_for_edit(user, client_id)
    expected = _version_sent(if_match, payload.version)
    changes = payload.dict(exclude_unset=True, exclude={"reason", "version"})
    with transaction.atomic():
        locked = Client.objects.select_for_update().get(pk=client.pk)
        if client_version(locked) != expected:
            raise ApiError(409, ErrorCode.STALE_VERSION)
        saved = do_update_client(locked, changes, actor=user, reason=payload.reason)
    return _detail(saved)
