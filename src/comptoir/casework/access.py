"""The only way a view gets a case it will show or act on.

``access_case*`` is ``Case.objects.visible_to(user).get(...)`` with a 404 that hides existence,
then a 403 when the user may see the case but not act on it (``editable_by``). Every read of a
confidential case through these functions is logged (``CaseAccessLog``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from comptoir.casework import actions
from comptoir.casework.models import Case
from comptoir.casework.models.cases import VIEW_PERMISSION
from comptoir.core.casework import parse_reference

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.inventory.models.scope import AnyUser


def can_work_cases(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(VIEW_PERMISSION))


def _cases(user: AnyUser) -> Any:
    return Case.objects.visible_to(user).select_related(
        "service__organization",
        "entry_unit",
        "current_unit",
        "owner",
        "client",
        "request_type",
        "subject",
    )


def _get(user: User, page: str, **lookup: Any) -> Case:
    try:
        case: Case = _cases(user).get(**lookup)
    except Case.DoesNotExist as error:
        raise Http404(_("No such case.")) from error
    actions.log_confidential_read(case, user=user, page=page)
    return case


def access_case(user: User, pk: int, *, page: str = "case") -> Case:
    return _get(user, page, pk=pk)


def access_case_by_reference(user: User, reference: str, *, page: str = "case") -> Case:
    """The case of a reference as a person typed it (normalized by ``parse_reference``)."""
    canonical = parse_reference(reference)
    if canonical is None:
        raise Http404(_("No such case."))
    return _get(user, page, reference=canonical)


def require_editable(user: User, case: Case) -> None:
    if not Case.objects.editable_by(user).filter(pk=case.pk).exists():
        raise PermissionDenied(_("You may not act on this case."))


def access_case_for_edit(user: User, reference: str, *, page: str = "case") -> Case:
    case = access_case_by_reference(user, reference, page=page)
    require_editable(user, case)
    return case
