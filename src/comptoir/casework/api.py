"""The casework API router (``/api/cases/``): list the cases the caller may see (filtered,
paginated), receive a case (idempotent with a key), read one by its reference, record the next
event on it (optionally with the version read)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.params.functions import Header as HeaderParam

from comptoir.api.actions import run_idempotent
from comptoir.api.auth import caller
from comptoir.api.errors import ApiError, ErrorCode
from comptoir.api.pagination import PageParams, paginate
from comptoir.casework import actions
from comptoir.casework.access import access_case_by_reference, access_case_for_edit, can_work_cases
from comptoir.casework.models import Case, CaseAccessLog, CaseEvent
from comptoir.clients.access import access_client
from comptoir.core.casework import CaseKind, EventKind, Status, allowed_kinds
from comptoir.inventory.models import Service, Unit

router = Router(tags=["cases"])

#: The kinds an integration may record through ``POST /api/cases/{reference}/events/``.
RECORDABLE = (
    EventKind.ACKNOWLEDGED,
    EventKind.ASSIGNED,
    EventKind.UNASSIGNED,
    EventKind.REFERRED,
    EventKind.AWAITING_CLIENT,
    EventKind.RESUMED,
    EventKind.NOTE,
    EventKind.TIME_SPENT,
    EventKind.RESOLVED,
    EventKind.REOPENED,
)


class EventOut(Schema):
    sequence: int
    kind: str
    at: datetime
    actor: int | None
    unit: str | None
    reason: str
    payload: dict[str, Any]


class _CaseFields(Schema):
    """What a case says of itself, in its detail and in a list."""

    reference: str
    service: int = Field(description="The service's key (id) in Comptoir.")
    kind: str
    channel: str
    tier: int
    language: str
    priority: str
    is_confidential: bool
    is_anonymous: bool
    client: int | None
    status: str
    entry_unit: str
    current_unit: str
    owner: int | None
    received_at: datetime
    resolved_at: datetime | None
    last_event_at: datetime


class CaseOut(_CaseFields):
    version: int = Field(description="The number of events: send it back to record the next.")
    allowed_next: list[str]
    events: list[EventOut]


class CaseCreated(CaseOut):
    status_token: str | None = Field(
        description="The client's status token, given once (null when a retry is answered)."
    )


class NewClientIn(Schema):
    """A client not yet in Comptoir, as the sender knows them: existing clients close to it are
    proposed first (``clients.matching``)."""

    given_name: str = Field("", max_length=200)
    family_name: str = Field("", max_length=200)
    organization_name: str = Field("", max_length=300)
    email: str = Field("", max_length=320)
    phone: str = Field("", max_length=40)
    create_anyway: bool = Field(
        default=False, description="Record a new client even when existing ones are close."
    )


class ProposalOut(Schema):
    client: int
    probability: float
    decision: str = Field(description="link (linked automatically) or ask")
    explanation: list[dict[str, Any]]


class CaseIn(Schema):
    service: int = Field(description="The service's key (id) in Comptoir.")
    entry_unit: int = Field(description="The unit (id) that received the case.")
    kind: str = "enquiry"
    channel: str = "TEL"
    language: str = Field(description="en or fr")
    description: str = Field("", max_length=10000)
    answer: str = Field("", max_length=10000)
    client: int | None = None
    new_client: NewClientIn | None = Field(
        None,
        description=(
            "Instead of client: the client as the sender knows them. Above the automatic "
            "threshold the case is linked to the existing client (client_match says so); "
            "close but below it, 409 client_proposed lists the proposals."
        ),
    )
    is_anonymous: bool = False
    tier: int = 1
    priority: str = "normal"
    is_confidential: bool = False
    resolved_on_the_spot: bool = False
    minutes: int | None = None


class EventIn(Schema):
    kind: str = Field(description="One of the case's allowed next kinds.")
    version: int | None = Field(None, description="The version read (or send If-Match).")
    at: datetime | None = None
    reason: str = Field("", max_length=10000)
    text: str = Field("", max_length=10000, description="A note's text.")
    minutes: int | None = None
    assignee: int | None = None
    to_unit: int | None = None
    outcome: str | None = None
    data_gap: str | None = None


class CaseSummary(_CaseFields):
    service_id: str = Field(description="The service's open-data ID (service_id).")
    next_due_at: datetime | None = Field(
        description="The earliest due instant of the case's clocks still running (null: none)."
    )


class CasePageOut(Schema):
    items: list[CaseSummary]
    count: int
    next: str | None


class CaseFilters(Schema):
    status: Status | None = Field(None, description="open, assigned, awaiting_client, resolved")
    unit: str | None = Field(
        None,
        max_length=100,
        description="The current unit: its key (id), or its code (every unit with that code).",
    )
    owner: str | None = Field(
        None, max_length=150, description="The owner's username, or me for the caller."
    )
    service: str | None = Field(
        None, max_length=100, description="The service's open-data ID (service_id)."
    )
    kind: CaseKind | None = Field(
        None, description="enquiry, application, complaint, compliment, suggestion"
    )
    received_after: datetime | None = Field(
        None, description="Received at or after this instant (ISO 8601 with its offset)."
    )
    received_before: datetime | None = Field(
        None, description="Received before this instant (ISO 8601 with its offset)."
    )
    overdue: bool | None = Field(
        None, description="true: past a due instant while open; false: not overdue."
    )


#: The page name of a confidential case's read when a list shows it (``CaseAccessLog.page``).
LIST_PAGE = "api-list"


def _unit_code(unit: Unit | None) -> str:
    return unit.code if unit is not None else ""


def _fields(case: Case) -> dict[str, Any]:
    """What a case says of itself in its detail and in a list (``_CaseFields``)."""
    return {
        "reference": case.reference,
        "service": case.service_id,
        "kind": case.kind,
        "channel": case.channel,
        "tier": case.tier,
        "language": case.language,
        "priority": case.priority,
        "is_confidential": case.is_confidential,
        "is_anonymous": case.is_anonymous,
        "client": case.client_id,
        "status": case.status,
        "entry_unit": _unit_code(case.entry_unit),
        "current_unit": _unit_code(case.current_unit),
        "owner": case.owner_id,
        "received_at": case.received_at,
        "resolved_at": case.resolved_at,
        "last_event_at": case.last_event_at,
    }


def _detail(case: Case) -> dict[str, Any]:
    events = list(CaseEvent.objects.filter(case=case).select_related("unit").order_by("sequence"))
    state = actions.derive(actions.facts_of(events))
    return {
        **_fields(case),
        "version": len(events),
        "allowed_next": sorted(kind.value for kind in allowed_kinds(state)),
        "events": [
            {
                "sequence": event.sequence,
                "kind": event.kind,
                "at": event.at,
                "actor": event.actor_id,
                "unit": _unit_code(event.unit),
                "reason": event.reason,
                "payload": event.payload or {},
            }
            for event in events
        ],
    }


def _summary(case: Case) -> dict[str, Any]:
    return {
        **_fields(case),
        "service_id": case.service.service_id,
        "next_due_at": case.next_due_at,
    }


def _require_worker(user: Any, permission: str = "casework.view_case") -> None:
    if not (can_work_cases(user) and user.has_perm(permission)):
        raise ApiError(403, ErrorCode.FORBIDDEN)


def _field_error(name: str, message: Any) -> ApiError:
    return ApiError(400, ErrorCode.VALIDATION, fields={name: [message]})


def _aware(name: str, value: datetime | None) -> datetime | None:
    """The instant in UTC: PostgreSQL refuses offsets past ±15:59 that Python accepts (found by
    the API fuzzing), and an instant at the edge of the calendar has no UTC time."""
    if value is None:
        return None
    if timezone.is_naive(value):
        raise _field_error(
            name,
            _("Give the instant with its offset, for example 2026-03-02T09:00:00-05:00."),
        )
    return _in_utc(name, value)


def _in_utc(name: str, value: datetime | None) -> datetime | None:
    """An aware instant in UTC (a naive one as it is: its caller decides)."""
    if value is None or timezone.is_naive(value):
        return value
    try:
        return value.astimezone(UTC)
    except OverflowError as error:
        raise _field_error(name, _("This value is not valid.")) from error


def _filtered(user: Any, filters: CaseFilters) -> Any:
    """The cases the caller may see (``Case.objects.visible_to``) that the filters keep; a filter
    naming nothing (a unit, an owner, a service that does not exist) is a 400."""
    cases = Case.objects.visible_to(user)
    if filters.status is not None:
        cases = cases.filter(status=filters.status.value)
    if filters.kind is not None:
        cases = cases.filter(kind=filters.kind.value)
    if filters.unit:
        text = filters.unit.strip()
        units = Unit.objects.filter(
            Q(code=text) | Q(pk=int(text)) if text.isdigit() else Q(code=text)
        )
        keys = list(units.values_list("pk", flat=True)[:100])
        if not keys:
            raise _field_error("unit", _("No such unit."))
        cases = cases.filter(current_unit__in=keys)
    if filters.owner:
        name = filters.owner.strip()
        if name == "me":
            owner_key = user.pk
        else:
            owner_key = (
                get_user_model().objects.filter(username=name).values_list("pk", flat=True).first()
            )
            if owner_key is None:
                raise _field_error("owner", _("No staff member has this username."))
        cases = cases.filter(owner_id=owner_key)
    if filters.service:
        services = list(
            Service.objects.filter(service_id=filters.service.strip()).values_list("pk", flat=True)[
                :100
            ]
        )
        if not services:
            raise _field_error("service", _("No such service."))
        cases = cases.filter(service__in=services)
    after = _aware("received_after", filters.received_after)
    before = _aware("received_before", filters.received_before)
    if after is not None:
        cases = cases.filter(received_at__gte=after)
    if before is not None:
        cases = cases.filter(received_at__lt=before)
    if filters.overdue is not None:
        overdue = Q(next_due_at__lte=timezone.now()) & ~Q(status=Status.RESOLVED.value)
        cases = cases.filter(overdue) if filters.overdue else cases.exclude(overdue)
    return cases.select_related("service", "entry_unit", "current_unit")


def _log_listed(items: list[dict[str, Any]], user: Any) -> None:
    """Each confidential case a page lists is a read of it (``CaseAccessLog``, page
    ``api-list``): the same record as the detail's, one row per case shown."""
    confidential = [item["reference"] for item in items if item["is_confidential"]]
    if not confidential:
        return
    now = timezone.now()
    keys = Case.objects.filter(reference__in=confidential).values_list("pk", flat=True)
    CaseAccessLog.objects.bulk_create(
        CaseAccessLog(case_id=key, user=user, at=now, page=LIST_PAGE) for key in keys
    )


@router.get("", response=CasePageOut, summary="The cases the caller may see, filtered")
def list_cases(
    request: HttpRequest, filters: Query[CaseFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    """Oldest received first (then by key). Every confidential case listed is logged as read,
    as its detail is."""
    user = caller(request)
    _require_worker(user)
    page = paginate(request, _filtered(user, filters), paging, _summary, order_by="received_at")
    _log_listed(page["items"], user)
    return page


@router.post("", response={201: CaseCreated}, summary="Receive a case (idempotent with a key)")
def receive_case(
    request: HttpRequest,
    payload: CaseIn,
    idempotency_key: Annotated[str | None, HeaderParam(None, alias="Idempotency-Key")] = None,
) -> JsonResponse:
    user = caller(request)
    _require_worker(user, "casework.add_case")
    service = Service.objects.filter(pk=payload.service).first()
    if service is None:
        raise _field_error("service", _("No such service."))
    unit = Unit.objects.filter(pk=payload.entry_unit).first()
    if unit is None:
        raise _field_error("entry_unit", _("No such unit."))
    client = access_client(user, payload.client) if payload.client is not None else None
    new_client = payload.new_client
    if new_client is not None and (client is not None or payload.is_anonymous):
        raise _field_error("new_client", _("Send a client, a new client or anonymous: one."))
    values = payload.dict(exclude={"service", "entry_unit", "client", "new_client"})
    if new_client is not None:
        values["is_anonymous"] = False

    def create() -> tuple[int, Any]:
        match: dict[str, Any] | None = None
        if new_client is None:
            case, token = actions.do_receive_case(
                service=service, entry_unit=unit, client=client, actor=user, **values
            )
        else:
            linked, match = _matched_client(user, new_client)
            case, token = actions.do_enter_case(
                new_client=None if linked else new_client.dict(exclude={"create_anyway"}),
                client=linked,
                service=service,
                entry_unit=unit,
                actor=user,
                received_payload={"client_match": match} if match else None,
                **values,
            )
        body = CaseCreated(**_detail(case), status_token=token).model_dump(mode="json")
        if match is not None:
            body["client_match"] = match
        return 201, body

    status, body = run_idempotent(
        user=user,
        key=idempotency_key,
        method="POST",
        path=request.path,
        body=request.body,
        create=create,
        stored_as=lambda answer: {**answer, "status_token": None},
    )
    return JsonResponse(body, status=status)


def _proposal(proposal: Any) -> dict[str, Any]:
    return ProposalOut(
        client=proposal.client.pk,
        probability=round(proposal.probability, 6),
        decision=proposal.decision,
        explanation=[
            {"field": line.field, "level": line.level, "weight": round(line.weight, 3)}
            for line in proposal.explanation
        ],
    ).model_dump(mode="json")


def _matched_client(user: Any, new_client: NewClientIn) -> tuple[Any, dict[str, Any] | None]:
    """The existing client a new client sent is linked to automatically, or ``None`` to record
    a new one, with what the case records of the decision (``clients.matching.intake_match``,
    among the clients the caller may see); close proposals below the automatic threshold refuse
    the case (409) unless ``create_anyway``."""
    from comptoir.clients.matching import intake_match, typed_record
    from comptoir.clients.models import Client

    match = intake_match(
        typed_record(**new_client.dict(exclude={"create_anyway"})),
        among=Client.objects.visible_to(user),
    )
    if match.client is None and match.proposals and not new_client.create_anyway:
        raise ApiError(
            409,
            ErrorCode.CLIENT_PROPOSED,
            extra={"proposals": [_proposal(proposal) for proposal in match.proposals]},
        )
    return match.client, match.payload


@router.get("{reference}", response=CaseOut, summary="One case, with its events")
def get_case(request: HttpRequest, reference: str) -> dict[str, Any]:
    user = caller(request)
    _require_worker(user)
    return _detail(access_case_by_reference(user, reference, page="api"))


def _record(case: Case, payload: EventIn, user: Any) -> None:
    kind = payload.kind
    at = _in_utc("at", payload.at)
    if kind == EventKind.ACKNOWLEDGED:
        actions.do_acknowledge(case, actor=user, at=at)
    elif kind == EventKind.ASSIGNED:
        users = get_user_model().objects.filter(is_active=True)
        assignee = users.filter(pk=payload.assignee).first() if payload.assignee else None
        if assignee is None:
            raise _field_error("assignee", _("Choose an active staff member."))
        actions.do_assign_case(case, assignee, actor=user, at=at)
    elif kind == EventKind.UNASSIGNED:
        actions.do_unassign_case(case, actor=user, at=at)
    elif kind == EventKind.REFERRED:
        unit = Unit.objects.filter(pk=payload.to_unit).first() if payload.to_unit else None
        if unit is None:
            raise _field_error("to_unit", _("No such unit."))
        actions.do_refer_case(case, unit, actor=user, reason=payload.reason, at=at)
    elif kind == EventKind.AWAITING_CLIENT:
        actions.do_await_client(case, actor=user, reason=payload.reason, at=at)
    elif kind == EventKind.RESUMED:
        actions.do_resume_case(case, actor=user, reason=payload.reason, at=at)
    elif kind == EventKind.NOTE:
        actions.do_add_note(case, payload.text, actor=user, at=at)
    elif kind == EventKind.TIME_SPENT:
        actions.do_log_time(case, payload.minutes or 0, actor=user, at=at)
    elif kind == EventKind.RESOLVED:
        actions.do_resolve_case(
            case, payload.outcome or "", payload.data_gap, actor=user, reason=payload.reason, at=at
        )
    elif kind == EventKind.REOPENED:
        actions.do_reopen_case(case, payload.reason, actor=user, at=at)
    else:
        raise _field_error(
            "kind",
            _("Choose one of the allowed values: %(values)s.")
            % {"values": ", ".join(k.value for k in RECORDABLE)},
        )


def _version_sent(if_match: str | None, body_version: int | None) -> int | None:
    if if_match:
        text = if_match.strip().removeprefix("W/").strip('"')
        if not text.isdigit():
            raise ApiError(
                400, ErrorCode.VERSION_REQUIRED, fields={"If-Match": [_("Enter a whole number.")]}
            )
        return int(text)
    return body_version


@router.post("{reference}/events/", response={201: CaseOut}, summary="Record the next event")
def record_event(
    request: HttpRequest,
    reference: str,
    payload: EventIn,
    if_match: Annotated[str | None, HeaderParam(None, alias="If-Match")] = None,
) -> JsonResponse:
    """A version (If-Match or ``version``), when sent, must be the case's number of events:
    else 409 and nothing is recorded."""
    user = caller(request)
    _require_worker(user, "casework.change_case")
    case = access_case_for_edit(user, reference, page="api")
    expected = _version_sent(if_match, payload.version)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if expected is not None and CaseEvent.objects.filter(case=locked).count() != expected:
            raise ApiError(409, ErrorCode.STALE_VERSION)
        _record(locked, payload, user)
    fresh = access_case_by_reference(user, case.reference, page="api")
    return JsonResponse(CaseOut(**_detail(fresh)).model_dump(mode="json"), status=201)
