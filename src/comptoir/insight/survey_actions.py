"""Writes of the surveys: plans, invitations after resolution, answers (client and staff), the
staff survey's rounds (``docs/insight.md``, Surveys).

Settings (each with a default, read when used):

``COMPTOIR_SURVEY_SALT``              the per-deployment salt of the draw (default: derived from
                                      ``SECRET_KEY``, so each deployment draws differently)
``COMPTOIR_SURVEY_INVITATION_DAYS``   how long an invitation stays open (default 30 days)
``COMPTOIR_SURVEY_MINIMUM``           fewer answers than this and a figure is not shown (5)
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptoir import i18n
from comptoir.core.surveys import (
    Decision,
    SurveyError,
    SurveyErrorCode,
    SurveyKind,
    decide,
    parse_answers,
)
from comptoir.core.surveys.questions import MAX_TEXT
from comptoir.insight.feedback_queries import writable_organizations
from comptoir.insight.survey_models import (
    StaffSurveyParticipation,
    StaffSurveyResponse,
    StaffSurveyRound,
    SurveyInvitation,
    SurveyPlan,
    SurveyResponse,
)
from comptoir.insight.survey_text import ERROR_TEXT
from comptoir.inventory.models.scope import acts_for_every_organization

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.casework.models import Case
    from comptoir.inventory.models import Organization, Service, Unit

logger = logging.getLogger(__name__)

DEFAULT_INVITATION_DAYS = 30
MAX_QUIET_DAYS = 3650


class SurveyRefused(ValidationError):
    """A refused write; its messages are translated (per field when a form shows them) and
    nothing was changed."""


def survey_salt() -> str:
    configured = getattr(settings, "COMPTOIR_SURVEY_SALT", "")
    if configured:
        return str(configured)
    return hmac.new(
        settings.SECRET_KEY.encode(), b"comptoir.insight.survey-sampling", hashlib.sha256
    ).hexdigest()


def invitation_days() -> int:
    return int(getattr(settings, "COMPTOIR_SURVEY_INVITATION_DAYS", DEFAULT_INVITATION_DAYS))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _refusal(error: SurveyError, field_names: dict[str, str] | None = None) -> SurveyRefused:
    messages: dict[str, list[Any]] = {}
    for question, code in error.errors.items():
        name = (field_names or {}).get(question, question) or "__all__"
        messages.setdefault(name, []).append(ValidationError(ERROR_TEXT[code], code=code.value))
    return SurveyRefused(messages)


# --- plans -----------------------------------------------------------------------------------


def plannable_services(user: Any) -> Any:
    """The services whose plan ``user`` may set: those of the organizations they write the
    feedback reports of (administrators: all; unit managers: their units' organizations)."""
    from comptoir.inventory.models import Service

    return Service.objects.filter(organization__in=writable_organizations(user))


def do_set_survey_plan(
    *, user: User, service: Service, rate: object, quiet_days: object, is_active: bool
) -> SurveyPlan:
    """Create or change the plan of ``service``: ``rate`` a share from 0 to 1, ``quiet_days``
    from 0 to 3650. Refused (translated, nothing written) otherwise, or for a service the user
    does not plan for."""
    if not plannable_services(user).filter(pk=service.pk).exists():
        raise SurveyRefused(_("You do not set the surveys of this service."), code="not_planner")
    errors: dict[str, SurveyErrorCode] = {}
    try:
        share = Decimal(str(rate).strip().replace(",", "."))
        if not share.is_finite() or not Decimal(0) <= share <= Decimal(1):
            raise InvalidOperation
        share = share.quantize(Decimal("0.001"))
    except (InvalidOperation, ValueError):
        errors["rate"] = SurveyErrorCode.INVALID_RATE
    try:
        days = int(str(quiet_days).strip())
        if not 0 <= days <= MAX_QUIET_DAYS:
            raise ValueError
    except ValueError:
        errors["quiet_days"] = SurveyErrorCode.INVALID_QUIET_DAYS
    if errors:
        raise _refusal(SurveyError(errors))
    with transaction.atomic():
        plan = SurveyPlan.objects.select_for_update().filter(service=service).first()
        if plan is None:
            plan = SurveyPlan(service=service)
        plan.rate = share
        plan.quiet_days = days
        plan.is_active = is_active
        plan.updated_by = user
        plan.save()
    return plan


# --- invitations -----------------------------------------------------------------------------


def survey_url(token: str, language: str) -> str:
    """The absolute address of the survey page of ``token``, in ``language`` (as
    ``notifications.links`` writes the status page's)."""
    try:
        with i18n.rendered_in(language):
            path = reverse("portal_survey", kwargs={"token": token})
    except NoReverseMatch:
        return ""
    return f"{settings.COMPTOIR_SITE_URL}{path}"


def invite_after_resolution(case: Case, *, at: datetime | None = None) -> SurveyInvitation | None:
    """Invite the client of the resolved ``case`` when the service's plan draws it, the client
    has an email address and was not invited within the plan's quiet period; then queue the
    invitation (``notify``, in the case's language). ``None`` when nobody is invited."""
    from comptoir.casework.actions import client_email
    from comptoir.notifications.actions import notify
    from comptoir.notifications.models import MessageKind

    now = at or timezone.now()
    if case.client_id is None or case.is_anonymous:
        return None
    plan = SurveyPlan.objects.filter(service_id=case.service_id, is_active=True).first()
    if plan is None or plan.rate <= 0:
        return None
    if SurveyInvitation.objects.filter(case_id=case.pk).exists() or not client_email(case):
        return None
    last = (
        SurveyInvitation.objects.filter(client_id=case.client_id)
        .order_by("-invited_at")
        .values_list("invited_at", flat=True)
        .first()
    )
    decision = decide(
        case.reference,
        salt=survey_salt(),
        rate=plan.rate,
        quiet_days=plan.quiet_days,
        last_invited_at=last,
        as_of=now,
    )
    if decision is not Decision.INVITE:
        return None
    token = secrets.token_urlsafe(32)
    language = i18n.normalize(case.language)
    try:
        with transaction.atomic():
            invitation = SurveyInvitation.objects.create(
                case=case,
                client_id=case.client_id,
                service_id=case.service_id,
                unit_id=case.current_unit_id,
                token_hash=token_hash(token),
                language=language,
                invited_at=now,
                expires_at=now + timedelta(days=invitation_days()),
            )
            notify(
                case,
                MessageKind.SURVEY_INVITATION,
                context={"survey_url": survey_url(token, language)},
            )
    except IntegrityError:  # the same case resolved twice at once: one invitation only
        return None
    return invitation


# --- the client's answers --------------------------------------------------------------------


class InvitationState:
    OPEN = "open"
    ANSWERED = "answered"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


def invitation_for_token(token: str, *, now: datetime | None = None) -> tuple[Any, str]:
    """(the invitation, its state) of a survey link's token; (``None``, unknown) for any other
    text."""
    if not token or len(token) > 100:
        return None, InvitationState.UNKNOWN
    invitation = SurveyInvitation.objects.filter(token_hash=token_hash(token)).first()
    if invitation is None:
        return None, InvitationState.UNKNOWN
    if invitation.answered_at is not None:
        return invitation, InvitationState.ANSWERED
    if invitation.expires_at <= (now or timezone.now()):
        return invitation, InvitationState.EXPIRED
    return invitation, InvitationState.OPEN


@dataclass(frozen=True, slots=True)
class Answered:
    response: SurveyResponse
    #: The reference of the follow-up case, when the client asked to be called back.
    follow_up: str = ""


def _follow_up(invitation: SurveyInvitation, comment: str, language: str) -> str:
    from comptoir.casework.actions import do_receive_case
    from comptoir.casework.errors import CaseError
    from comptoir.clients.models import Client

    client = Client.objects.get(pk=invitation.client_id)
    for _hop in range(10):  # a merged record's survivor (merges do not chain far)
        if client.merged_into_id is None:
            break
        client = Client.objects.get(pk=client.merged_into_id)
    original = invitation.case.reference
    with i18n.rendered_in(language):
        description = gettext(
            "%(comment)s\n\n(Asked to be called back in the satisfaction survey of request "
            "%(reference)s.)"
        ) % {"comment": comment, "reference": original}
    try:
        case, _token = do_receive_case(
            service=invitation.service,
            kind="enquiry",
            channel="ONL",
            entry_unit=invitation.unit,
            language=language,
            actor=None,
            client=client,
            description=description,
            received_payload={"survey_follow_up_of": original},
        )
    except CaseError as error:
        raise SurveyRefused(error.messages) from error
    return case.reference


def do_answer_survey(
    invitation: SurveyInvitation,
    raw: dict[str, str],
    *,
    comment: str = "",
    call_back: bool = False,
    language: str,
    now: datetime | None = None,
) -> Answered:
    """Store a client's answers without a link to them (``survey_models``), mark the invitation
    answered, and, when they ask to be called back, open a follow-up case in their name with
    their comment (which the response then does not keep). Refused, nothing written, for bad
    answers, an answered or expired invitation, or a call-back without a comment."""
    now = now or timezone.now()
    comment = (comment or "").strip()
    errors: dict[str, list[Any]] = {}
    try:
        answers = parse_answers(SurveyKind.CLIENT, raw)
    except SurveyError as error:
        errors.update(_refusal(error).message_dict)
        answers = {}
    if len(comment) > MAX_TEXT:
        errors.setdefault("comment", []).append(ERROR_TEXT[SurveyErrorCode.TOO_LONG])
    if call_back and not comment:
        errors.setdefault("comment", []).append(
            _("Write what you would like us to call you about.")
        )
    if errors:
        raise SurveyRefused(errors)
    language = i18n.normalize(language)
    with transaction.atomic():
        locked = (
            SurveyInvitation.objects.select_for_update(of=("self",))
            .select_related("case", "service", "unit")
            .get(pk=invitation.pk)
        )
        if locked.answered_at is not None:
            raise SurveyRefused(_("This survey was already answered."), code="answered")
        if locked.expires_at <= now:
            raise SurveyRefused(_("This survey is closed."), code="expired")
        follow_up = _follow_up(locked, comment, language) if call_back else ""
        response = SurveyResponse.objects.create(
            service_id=locked.service_id,
            unit_id=locked.unit_id,
            answered_on=timezone.localdate(now),
            language=language,
            answers=answers,
            comment="" if call_back else comment,
        )
        locked.answered_at = now
        locked.save(update_fields=["answered_at"])
    return Answered(response, follow_up)


# --- the staff survey ------------------------------------------------------------------------


def _require_administrator(user: User) -> None:
    if not acts_for_every_organization(user):
        raise SurveyRefused(_("Only administrators open and close staff survey rounds."))


def do_open_round(organization: Organization, *, user: User) -> StaffSurveyRound:
    _require_administrator(user)
    try:
        with transaction.atomic():
            return StaffSurveyRound.objects.create(
                organization=organization, opened_at=timezone.now(), opened_by=user
            )
    except IntegrityError as error:
        raise SurveyRefused(
            _("A round of this organization is already open: close it first."), code="open"
        ) from error


def do_close_round(survey_round: StaffSurveyRound, *, user: User) -> StaffSurveyRound:
    _require_administrator(user)
    with transaction.atomic():
        locked = StaffSurveyRound.objects.select_for_update().get(pk=survey_round.pk)
        if locked.closed_at is not None:
            raise SurveyRefused(_("This round is already closed."), code="closed")
        locked.closed_at = timezone.now()
        locked.closed_by = user
        locked.save(update_fields=["closed_at", "closed_by"])
    return locked


def answer_units(user: Any, survey_round: StaffSurveyRound) -> Any:
    """The units ``user`` may answer for in ``survey_round``: their active units of its
    organization."""
    from comptoir.inventory.models import Unit

    if not (user.is_authenticated and user.is_active):
        return Unit.objects.none()
    return Unit.objects.filter(
        organization_id=survey_round.organization_id,
        is_active=True,
        memberships__user_id=user.pk,
        memberships__is_active=True,
    ).distinct()


def do_answer_staff_survey(
    survey_round: StaffSurveyRound, *, user: User, unit: Unit, raw: dict[str, str]
) -> StaffSurveyResponse:
    """Record that ``user`` answered, and their answers under ``unit`` only; refused (nothing
    written) for bad answers, a closed round, a second answer or a unit not theirs."""
    try:
        answers = parse_answers(SurveyKind.STAFF, raw)
    except SurveyError as error:
        raise _refusal(error) from error
    if not answer_units(user, survey_round).filter(pk=unit.pk).exists():
        raise SurveyRefused({"unit": [_("Choose one of your units.")]})
    try:
        with transaction.atomic():
            locked = StaffSurveyRound.objects.select_for_update().get(pk=survey_round.pk)
            if locked.closed_at is not None:
                raise SurveyRefused(_("This round is closed."), code="closed")
            StaffSurveyParticipation.objects.create(round=locked, user=user)
            return StaffSurveyResponse.objects.create(round=locked, unit=unit, answers=answers)
    except IntegrityError as error:
        raise SurveyRefused(
            _("You already answered this round. Thank you."), code="answered"
        ) from error
