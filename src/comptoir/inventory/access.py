"""The only way a view gets an inventory object it will show or change.

Each ``access_*`` function checks the user's permission and scope and raises
:class:`~django.http.Http404` when the object does not exist or the user may not see it, and
:class:`~django.core.exceptions.PermissionDenied` when the user may see it but not change it.
Service owners may change only the services assigned to them (active ``ServiceOwnership``);
custodians and administrators may change every service; an approved fiscal year is checked by the
actions (it gives a clearer message than a refusal here).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from comptoir.inventory.models import (
    Finding,
    FiscalYear,
    Organization,
    ServiceOwnership,
    ServiceYear,
    StandardYear,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from comptoir.accounts.models import User

    AnyUser = User | AnonymousUser

#: A user with this permission may edit any service; without it, only their own.
EDIT_ANY_SERVICE_PERMISSION = "inventory.add_serviceyear"


def can_view_inventory(user: AnyUser) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.has_perm("inventory.view_serviceyear")
    )


def can_edit_any_service(user: AnyUser) -> bool:
    return bool(user.is_active and user.has_perm(EDIT_ANY_SERVICE_PERMISSION))


def is_service_owner_of(user: AnyUser, service_pk: int) -> bool:
    if user.pk is None:
        return False
    return ServiceOwnership.objects.filter(
        service_id=service_pk, user_id=user.pk, is_active=True
    ).exists()


def _require_view(user: AnyUser) -> None:
    if not can_view_inventory(user):
        # Do not reveal whether the object exists.
        raise Http404(_("No such service record."))


def _require_edit(user: AnyUser, service_pk: int, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(_("You may not change this service."))
    if can_edit_any_service(user):
        return
    if not is_service_owner_of(user, service_pk):
        raise PermissionDenied(_("You may change only the services assigned to you."))


def service_years_for(user: AnyUser) -> QuerySet[ServiceYear]:
    """Service records the user may see (every record for staff with the view permission)."""
    if not can_view_inventory(user):
        return ServiceYear.objects.none()
    return ServiceYear.objects.all()


def editable_service_years_for(user: AnyUser) -> QuerySet[ServiceYear]:
    """Service records the user may change."""
    if not (can_view_inventory(user) and user.has_perm("inventory.change_serviceyear")):
        return ServiceYear.objects.none()
    if can_edit_any_service(user):
        return ServiceYear.objects.all()
    if user.pk is None:
        return ServiceYear.objects.none()
    return ServiceYear.objects.filter(
        service__ownerships__user_id=user.pk, service__ownerships__is_active=True
    )


def access_service_year(user: AnyUser, service_year_pk: int) -> ServiceYear:
    """A service record to show."""
    _require_view(user)
    try:
        return ServiceYear.objects.select_related(
            "service", "fiscal_year__organization", "responsible_unit"
        ).get(pk=service_year_pk)
    except ServiceYear.DoesNotExist as error:
        raise Http404(_("No such service record.")) from error


def access_service_year_by_ids(
    user: AnyUser, owner_org: str, service_id: str, fiscal_year: str
) -> ServiceYear:
    """A service record to show, by its open-data keys."""
    _require_view(user)
    try:
        return ServiceYear.objects.select_related(
            "service", "fiscal_year__organization", "responsible_unit"
        ).get(
            fiscal_year__organization__owner_org=owner_org,
            fiscal_year__code=fiscal_year,
            service__service_id=service_id,
        )
    except ServiceYear.DoesNotExist as error:
        raise Http404(_("No such service record.")) from error


def access_service_year_for_edit(user: AnyUser, service_year_pk: int) -> ServiceYear:
    """A service record to change (service owners: only their services)."""
    service_year = access_service_year(user, service_year_pk)
    _require_edit(user, service_year.service_id, "inventory.change_serviceyear")
    return service_year


def access_standard_year(user: AnyUser, standard_year_pk: int) -> StandardYear:
    _require_view(user)
    try:
        return StandardYear.objects.select_related(
            "standard__service", "fiscal_year__organization", "service_year"
        ).get(pk=standard_year_pk)
    except StandardYear.DoesNotExist as error:
        raise Http404(_("No such standard record.")) from error


def access_standard_year_for_edit(user: AnyUser, standard_year_pk: int) -> StandardYear:
    standard_year = access_standard_year(user, standard_year_pk)
    _require_edit(user, standard_year.standard.service_id, "inventory.change_standardyear")
    return standard_year


def access_service_year_for_assessment(user: AnyUser, service_year_pk: int) -> ServiceYear:
    """A service record whose service test or priority assessment the user may record."""
    service_year = access_service_year(user, service_year_pk)
    _require_edit(user, service_year.service_id, "inventory.add_servicetestassessment")
    return service_year


def access_fiscal_year(user: AnyUser, owner_org: str, code: str) -> FiscalYear:
    _require_view(user)
    try:
        return FiscalYear.objects.select_related("organization", "approved_by").get(
            organization__owner_org=owner_org, code=code
        )
    except FiscalYear.DoesNotExist as error:
        raise Http404(_("No such fiscal year.")) from error


def access_fiscal_year_for_approval(user: AnyUser, owner_org: str, code: str) -> FiscalYear:
    fiscal_year = access_fiscal_year(user, owner_org, code)
    if not user.has_perm("inventory.approve_fiscalyear"):
        raise PermissionDenied(_("You may not approve a fiscal year."))
    return fiscal_year


def access_finding(user: AnyUser, finding_pk: int) -> Finding:
    _require_view(user)
    try:
        return Finding.objects.select_related("service_year", "standard_year").get(pk=finding_pk)
    except Finding.DoesNotExist as error:
        raise Http404(_("No such finding.")) from error


def access_finding_for_resolution(user: AnyUser, finding_pk: int) -> Finding:
    """A finding the user may mark resolved: custodians any; service owners those of their
    services; a finding attached to no record (a whole-file problem) only custodians."""
    _require_view(user)
    try:
        finding = Finding.objects.select_related(
            "fiscal_year__organization",
            "service_year__service",
            "standard_year__service_year",
            "standard_year__standard",
            "resolved_by",
        ).get(pk=finding_pk)
    except Finding.DoesNotExist as error:
        raise Http404(_("No such finding.")) from error
    if finding.service_year is not None:
        service_pk: int | None = finding.service_year.service_id
    elif finding.standard_year is not None:
        service_pk = finding.standard_year.standard.service_id
    else:
        service_pk = None
    if service_pk is None:
        if not (user.has_perm("inventory.change_finding") and can_edit_any_service(user)):
            raise PermissionDenied(_("You may not resolve this finding."))
        return finding
    _require_edit(user, service_pk, "inventory.change_finding")
    return finding


def may_resolve_findings_of(user: AnyUser, service_pk: int) -> bool:
    """Whether the user may resolve the findings of a service's records."""
    try:
        _require_edit(user, service_pk, "inventory.change_finding")
    except PermissionDenied:
        return False
    return can_view_inventory(user)


def may_resolve_any_finding(user: AnyUser) -> bool:
    return bool(
        can_view_inventory(user)
        and user.has_perm("inventory.change_finding")
        and can_edit_any_service(user)
    )


def may_manage_service_owners(user: AnyUser) -> bool:
    """Custodians and administrators assign service owners; nobody else."""
    return bool(
        can_view_inventory(user)
        and user.has_perm("inventory.add_serviceownership")
        and user.has_perm("inventory.change_serviceownership")
    )


def access_service_year_for_owners(user: AnyUser, service_year_pk: int) -> ServiceYear:
    """A service record whose service's owners the user may assign or unassign."""
    service_year = access_service_year(user, service_year_pk)
    if not may_manage_service_owners(user):
        raise PermissionDenied(_("You may not assign service owners."))
    return service_year


def access_organization(owner_org: str) -> Organization:
    """An organization for its public page (public data: no user needed)."""
    try:
        return Organization.objects.get(owner_org=owner_org)
    except Organization.DoesNotExist as error:
        raise Http404(_("No such organization.")) from error


def resolvable_finding_ids(user: User, items: list[Finding]) -> set[int]:
    """The keys of the findings of ``items`` the user may resolve (open, year not approved)."""
    candidates = [
        finding
        for finding in items
        if not finding.is_resolved
        and not (finding.fiscal_year is not None and finding.fiscal_year.is_approved)
    ]
    if not candidates or not can_view_inventory(user):
        return set()
    if may_resolve_any_finding(user):
        return {finding.pk for finding in candidates}
    if not user.has_perm("inventory.change_finding"):
        return set()
    owned = set(
        ServiceOwnership.objects.filter(user_id=user.pk, is_active=True).values_list(
            "service_id", flat=True
        )
    )
    service_of = dict(
        Finding.objects.filter(pk__in=[f.pk for f in candidates])
        .annotate(
            owning_service=Coalesce(
                "service_year__service_id", "standard_year__standard__service_id"
            )
        )
        .values_list("pk", "owning_service")
    )
    return {pk for pk, service_pk in service_of.items() if service_pk in owned}
