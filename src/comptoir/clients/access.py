"""The only way a view (or another app) gets a client record it will show or change.

Each ``access_*`` function is ``Client.objects.visible_to(user)`` (or ``editable_by``)
``.get(...)``: who may see or change a client is decided once, by the queryset's methods in
``comptoir.clients.models``. It raises :class:`~django.http.Http404` when the client does not
exist or the user may not see it (a confidential client's existence is not revealed), and
:class:`~django.core.exceptions.PermissionDenied` when the user may see it but not change it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from comptoir.clients.models import (
    MERGE_CLIENT_PERMISSION,
    VIEW_CLIENT_PERMISSION,
    Client,
    ClientMerge,
    ContactPoint,
)

if TYPE_CHECKING:
    from comptoir.inventory.models.scope import AnyUser


def can_view_clients(user: AnyUser) -> bool:
    """Signed in, active, and allowed to see (non-confidential) clients."""
    return bool(user.is_authenticated and user.is_active and user.has_perm(VIEW_CLIENT_PERMISSION))


def can_add_clients(user: AnyUser) -> bool:
    return can_view_clients(user) and user.has_perm("clients.add_client")


def access_client(user: AnyUser, client_pk: int) -> Client:
    """A client record to show."""
    queryset = Client.objects.visible_to(user).select_related(
        "account_manager", "created_by", "merged_into"
    )
    try:
        return queryset.get(pk=client_pk)
    except Client.DoesNotExist as error:
        raise Http404(_("No such client.")) from error


def access_client_for_edit(user: AnyUser, client_pk: int) -> Client:
    """A client record to change (``clients.change_client``, same confidentiality)."""
    client = access_client(user, client_pk)
    if not Client.objects.editable_by(user).filter(pk=client.pk).exists():
        raise PermissionDenied(_("You may not change this client."))
    return client


def access_client_for_contact_points(user: AnyUser, client_pk: int) -> Client:
    """A client whose contact points the user may add or end."""
    client = access_client(user, client_pk)
    if not (
        user.has_perm("clients.add_contactpoint")
        and user.has_perm("clients.change_contactpoint")
        and Client.objects.editable_by(user).filter(pk=client.pk).exists()
    ):
        raise PermissionDenied(_("You may not change this client's contact points."))
    return client


def access_contact_point_for_edit(
    user: AnyUser, client: Client, contact_point_pk: int
) -> ContactPoint:
    """One contact point of ``client`` (obtained by ``access_client_for_contact_points``)."""
    try:
        return ContactPoint.objects.editable_by(user).get(pk=contact_point_pk, client=client)
    except ContactPoint.DoesNotExist as error:
        raise Http404(_("No such contact point.")) from error


def can_merge_clients(user: AnyUser) -> bool:
    """Allowed to merge duplicate records and undo a merge (a data steward)."""
    return can_view_clients(user) and user.has_perm(MERGE_CLIENT_PERMISSION)


def access_clients_for_merge(user: AnyUser, client_pks: list[int]) -> list[Client]:
    """The records to merge, in the order given: each one the user may see and change, and the
    user a data steward (``clients.merge_client``)."""
    if not can_merge_clients(user):
        raise PermissionDenied(_("You may not merge client records."))
    records = [access_client(user, pk) for pk in client_pks]
    editable = set(
        Client.objects.editable_by(user).filter(pk__in=client_pks).values_list("pk", flat=True)
    )
    if any(record.pk not in editable for record in records):
        raise PermissionDenied(_("You may not change one of these clients."))
    return records


def access_merge(user: AnyUser, merge_pk: int) -> ClientMerge:
    """A merge to undo: its survivor one the user may change, the user a data steward."""
    if not can_merge_clients(user):
        raise PermissionDenied(_("You may not merge client records."))
    merge: ClientMerge | None = ClientMerge.objects.filter(pk=merge_pk).first()
    if merge is None:
        raise Http404(_("No such merge."))
    access_clients_for_merge(user, [merge.survivor_id])
    return merge
