"""The only way a view gets an inventory object it will show or change.

Each ``access_*`` function is ``Model.objects.visible_to(user)`` (or ``editable_by``…)
``.get(...)``: who may see or change what is decided once, by the querysets' methods and
``comptoir.inventory.models.scope``. It raises :class:`~django.http.Http404` when the object does
not exist or the user may not see it (existence is not revealed), and
:class:`~django.core.exceptions.PermissionDenied` when the user may see it but not change it. An
approved fiscal year is checked by the actions (their message is clearer than a refusal here).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from comptoir.inventory.models import Finding, FiscalYear, ServiceYear, StandardYear
from comptoir.inventory.models.scope import is_staff_viewer

if TYPE_CHECKING:
    from comptoir.inventory.models.scope import AnyUser


def can_view_inventory(user: AnyUser) -> bool:
    return is_staff_viewer(user)


def _get(queryset: QuerySet[Any], missing: str, **lookup: Any) -> Any:
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist as error:
        raise Http404(missing) from error


def _service_years(user: AnyUser) -> QuerySet[ServiceYear]:
    return ServiceYear.objects.visible_to(user).select_related(
        "service", "fiscal_year__organization", "responsible_unit"
    )


def access_service_year(user: AnyUser, service_year_pk: int) -> ServiceYear:
    """A service record to show."""
    return _get(_service_years(user), _("No such service record."), pk=service_year_pk)  # type: ignore[no-any-return]  # a ServiceYear


def _require_in(queryset: QuerySet[Any], obj: Any, refusal: str) -> None:
    if not queryset.filter(pk=obj.pk).exists():
        raise PermissionDenied(refusal)


def access_service_year_for_edit(user: AnyUser, service_year_pk: int) -> ServiceYear:
    """A service record to change (service owners: only their services; custodians: only their
    organizations)."""
    record = access_service_year(user, service_year_pk)
    _require_in(
        ServiceYear.objects.editable_by(user), record, _("You may not change this service.")
    )
    return record


def access_standard_year(user: AnyUser, standard_year_pk: int) -> StandardYear:
    queryset = StandardYear.objects.visible_to(user).select_related(
        "standard__service", "fiscal_year__organization", "service_year"
    )
    return _get(queryset, _("No such standard record."), pk=standard_year_pk)  # type: ignore[no-any-return]  # a StandardYear


def access_standard_year_for_edit(user: AnyUser, standard_year_pk: int) -> StandardYear:
    record = access_standard_year(user, standard_year_pk)
    _require_in(
        StandardYear.objects.editable_by(user), record, _("You may not change this service.")
    )
    return record


def access_service_year_for_assessment(user: AnyUser, service_year_pk: int) -> ServiceYear:
    """A service record whose service test or priority assessment the user may record."""
    record = access_service_year(user, service_year_pk)
    _require_in(
        ServiceYear.objects.assessable_by(user), record, _("You may not change this service.")
    )
    return record


def access_service_year_for_owners(user: AnyUser, service_year_pk: int) -> ServiceYear:
    """A service record whose service's owners the user may assign or unassign."""
    record = access_service_year(user, service_year_pk)
    _require_in(
        ServiceYear.objects.owners_manageable_by(user),
        record,
        _("You may not assign service owners."),
    )
    return record


def access_fiscal_year(user: AnyUser, owner_org: str, code: str) -> FiscalYear:
    queryset = FiscalYear.objects.visible_to(user).select_related("organization", "approved_by")
    return _get(  # type: ignore[no-any-return]  # a FiscalYear
        queryset, _("No such fiscal year."), organization__owner_org=owner_org, code=code
    )


def access_fiscal_year_for_approval(user: AnyUser, owner_org: str, code: str) -> FiscalYear:
    fiscal_year = access_fiscal_year(user, owner_org, code)
    _require_in(
        FiscalYear.objects.approvable_by(user),
        fiscal_year,
        _("You may not approve this fiscal year."),
    )
    return fiscal_year


def access_finding_for_resolution(user: AnyUser, finding_pk: int) -> Finding:
    """A finding the user may mark resolved (see ``FindingQuerySet.resolvable_by``); a finding
    already resolved, or of an approved year, is shown (the page says why nothing can be done)."""
    queryset = Finding.objects.visible_to(user).select_related(
        "fiscal_year__organization",
        "service_year__service",
        "standard_year__service_year",
        "standard_year__standard",
        "resolved_by",
    )
    finding: Finding = _get(queryset, _("No such finding."), pk=finding_pk)
    if finding.is_resolved or (finding.fiscal_year is not None and finding.fiscal_year.is_approved):
        return finding
    _require_in(
        Finding.objects.resolvable_by(user), finding, _("You may not resolve this finding.")
    )
    return finding


def resolvable_finding_ids(user: AnyUser, items: Iterable[Finding]) -> set[int]:
    """The keys of the findings of ``items`` (one page of a list) the user may resolve."""
    keys = [finding.pk for finding in items]
    if not keys:
        return set()
    return set(Finding.objects.resolvable_by(user).filter(pk__in=keys).values_list("pk", flat=True))
