"""Who may see and change which part of the inventory: the one place the querysets' ``visible_to``
and ``editable_by`` methods ask.

- Staff with the inventory view permission see every organization's inventory (it is the
  organization's own record of its services, destined for the open data; nothing in it is
  confidential). The public sees approved years only, through the public pages.
- A change needs the model permission of the user's role (``comptoir.accounts.roles``) and scope:
  administrators and superusers act for every organization; inventory custodians for the
  organizations they are members of (``OrganizationMembership``); service owners for the services
  assigned to them (``ServiceOwnership``), in every organization.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from comptoir.accounts.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from comptoir.accounts.models import User

    AnyUser = User | AnonymousUser

#: Holders of this permission may change any service of their organizations (custodians and
#: administrators); without it, only the services assigned to them.
EDIT_ANY_SERVICE_PERMISSION = "inventory.add_serviceyear"
VIEW_PERMISSION = "inventory.view_serviceyear"


def is_staff_viewer(user: AnyUser) -> bool:
    """Signed in, active, and allowed to see the inventory."""
    return bool(user.is_authenticated and user.is_active and user.has_perm(VIEW_PERMISSION))


def acts_for_every_organization(user: AnyUser) -> bool:
    """Superusers and administrators act for every organization."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    # The role's group, asked once per user object (one request) for all its querysets.
    cached: bool | None = vars(user).get("_comptoir_acts_for_all")
    if cached is None:
        cached = user.groups.filter(name=Role.ADMINISTRATOR.value).exists()
        vars(user)["_comptoir_acts_for_all"] = cached
    return cached


def member_organization_ids(user: AnyUser) -> Any:
    """A subquery of the keys of the organizations the user is an active member of."""
    from comptoir.inventory.models.memberships import OrganizationMembership

    if user.pk is None:
        return OrganizationMembership.objects.none().values("organization_id")
    return OrganizationMembership.objects.filter(user_id=user.pk, is_active=True).values(
        "organization_id"
    )


def organization_scope(user: AnyUser, organization_path: str) -> Q | None:
    """The condition "in an organization the user acts for" on ``organization_path`` (the lookup
    path from the queried model to ``Organization``'s key), ``None`` for every organization."""
    if acts_for_every_organization(user):
        return None
    return Q(**{f"{organization_path}__in": member_organization_ids(user)})


def change_scope(
    user: AnyUser, permission: str, *, organization_path: str, service_path: str | None
) -> Q | None:
    """Rows the user may change with ``permission``: ``None`` for all, ``Q(pk__in=[])`` for none.

    Custodians and administrators (who may edit any service) are scoped by organization; others
    by the services they own, when the model belongs to a service (``service_path``).
    """
    nothing = Q(pk__in=[])
    if not (is_staff_viewer(user) and user.has_perm(permission)):
        return nothing
    condition = nothing
    if user.has_perm(EDIT_ANY_SERVICE_PERMISSION):
        by_organization = organization_scope(user, organization_path)
        if by_organization is None:
            return None
        condition = by_organization
    if service_path is not None:
        condition |= Q(**{f"{service_path}__in": owned_service_ids(user)})
    return condition


def owned_service_ids(user: AnyUser) -> Any:
    """A subquery of the keys of the services assigned to the user (a subquery, not a join, so
    that an OR with it never repeats a row)."""
    from comptoir.inventory.models.services import ServiceOwnership

    if user.pk is None:
        return ServiceOwnership.objects.none().values("service_id")
    return ServiceOwnership.objects.filter(user_id=user.pk, is_active=True).values("service_id")
