"""Clients: the persons and organizations a department serves, how to reach them, and who is a
contact of which organization.

Nothing here is ever deleted (no model has a delete permission; foreign keys protect): a contact
point or a link is *ended* (``is_active`` false), a duplicate is *merged* (``merged_into`` the
survivor). Every change is kept in the history (django-simple-history) with who, when and why.
Who may see or change a client is decided by the querysets' ``visible_to`` and ``editable_by``
methods and nowhere else (docs/clients.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from comptoir.clients.normalization import NormalizationError, fold
from comptoir.inventory.models.scope import acts_for_every_organization

if TYPE_CHECKING:
    from comptoir.inventory.models.scope import AnyUser

VIEW_CLIENT_PERMISSION = "clients.view_client"
CHANGE_CLIENT_PERMISSION = "clients.change_client"
MERGE_CLIENT_PERMISSION = "clients.merge_client"

#: Nobody may delete a client record or anything attached to it.
NO_DELETE = ("add", "change", "view")


class ClientKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANIZATION = "organization", _("Organization")


class OfficialLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")


class AlternateFormat(models.TextChoices):
    AUDIO = "audio", _("Audio")
    BRAILLE = "braille", _("Braille")
    LARGE_PRINT = "large_print", _("Large print")
    E_TEXT = "e_text", _("E-text")


class Segment(models.TextChoices):
    FEDERAL = "federal", _("Federal government")
    PROVINCIAL_TERRITORIAL = "provincial_territorial", _("Provincial or territorial government")
    MUNICIPAL = "municipal", _("Municipal government")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    MEDIA = "media", _("Media")
    NON_PROFIT = "non_profit", _("Non-profit organization")
    ACADEMIC = "academic", _("Academic")
    PUBLIC = "public", _("General public")
    FOREIGN = "foreign", _("Foreign")
    INTERNAL = "internal", _("Internal")


def split_formats(stored: str) -> list[str]:
    """The codes of a stored ``alternate_formats`` value (``"audio,braille"``)."""
    return [code for code in (part.strip() for part in stored.split(",")) if code]


def join_formats(codes: Any) -> str:
    """The stored value of a set of alternate-format codes, in the choices' order, once each."""
    wanted = set(codes)
    return ",".join(code for code in AlternateFormat.values if code in wanted)


_FORMAT_CODE = "(?:" + "|".join(AlternateFormat.values) + ")"

#: A comma-separated list of alternate-format codes (a regular expression, so that the
#: migrations do not import this module).
alternate_formats_validator = RegexValidator(
    rf"^(?:{_FORMAT_CODE}(?:,{_FORMAT_CODE})*)?$",
    _("Choose the alternate formats from the list."),
    code="invalid_alternate_format",
)


#: The fields of a client a person may correct (``comptoir.clients.actions.do_update_client``);
#: a merge, the creation and the search column are not corrections.
CORRECTABLE_FIELDS: tuple[str, ...] = (
    "kind",
    "given_name",
    "family_name",
    "organization_name",
    "preferred_language",
    "alternate_formats",
    "segment",
    "account_manager",
    "is_confidential",
    "is_anonymous",
)

#: The fields whose value a merge chooses, field by field, among the records merged
#: (``comptoir.clients.actions.do_merge_clients``). The kind must agree; the survivor is
#: confidential when any record was.
MERGE_FIELDS: tuple[str, ...] = (
    "given_name",
    "family_name",
    "organization_name",
    "preferred_language",
    "alternate_formats",
    "segment",
    "account_manager",
    "date_of_birth",
    "source_id",
)


def _no_delete(obj: models.Model) -> None:
    raise ValidationError(
        _("A client record is never deleted: end it or merge it instead."), code="no_delete"
    )


class ClientQuerySet(models.QuerySet["Client"]):
    def visible_to(self, user: AnyUser) -> ClientQuerySet:
        """Clients the user may see: staff with ``clients.view_client`` see every client that is
        not confidential; a confidential client only their account manager, administrators and
        the staff of a unit that holds a case of theirs."""
        return self._scoped(user, VIEW_CLIENT_PERMISSION)

    def editable_by(self, user: AnyUser) -> ClientQuerySet:
        """Clients the user may change: ``clients.change_client``, same confidentiality."""
        return self._scoped(user, CHANGE_CLIENT_PERMISSION)

    def _scoped(self, user: AnyUser, permission: str) -> ClientQuerySet:
        if not (user.is_authenticated and user.is_active and user.has_perm(permission)):
            return self.none()
        if acts_for_every_organization(user):
            return self
        return self.filter(
            Q(is_confidential=False)
            | Q(account_manager_id=user.pk)
            | self._visible_through_cases(user)
        )

    def _visible_through_cases(self, user: AnyUser) -> Q:
        """The confidential clients the user may see because a unit they belong to holds a case
        of theirs (its current or entry unit: ``inventory.UnitMembership``), filled by
        ``comptoir.casework``."""
        # Filled by casework: the clients of the cases whose current or entry unit is one of the
        # user's active units (a subquery: no join repeats a client).
        from comptoir.casework.models import Case
        from comptoir.casework.models.cases import member_unit_ids

        if user.pk is None:
            return Q(pk__in=[])
        units = member_unit_ids(user)
        # A correlated EXISTS, asked only of confidential clients: the database looks up the
        # cases of each client it reads (by the index on client_id), instead of first listing
        # the clients of every case of the user's units (hundreds of thousands at scale).
        holding = Case.objects.filter(client_id=OuterRef("pk")).filter(
            Q(current_unit__in=units) | Q(entry_unit__in=units)
        )
        return Q(is_confidential=True) & Q(Exists(holding))

    def anonymous(self) -> ClientQuerySet:
        return self.filter(is_anonymous=True)

    def not_merged(self) -> ClientQuerySet:
        return self.filter(merged_into__isnull=True)


class Client(models.Model):
    """A person or an organization a department serves (an anonymous client is one of either
    kind whose name is not known or not kept: no name, no contact point)."""

    kind = models.CharField(_("kind of client"), max_length=20, choices=ClientKind.choices)
    given_name = models.CharField(_("given name"), max_length=200, blank=True, default="")
    family_name = models.CharField(_("family name"), max_length=200, blank=True, default="")
    organization_name = models.CharField(
        _("organization name"), max_length=500, blank=True, default=""
    )
    preferred_language = models.CharField(
        _("preferred official language"), max_length=2, choices=OfficialLanguage.choices
    )
    alternate_formats = models.CharField(
        _("alternate formats"),
        max_length=100,
        blank=True,
        default="",
        validators=[alternate_formats_validator],
        help_text=_("The formats the client needs, besides print."),
    )
    segment = models.CharField(_("client segment"), max_length=30, choices=Segment.choices)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_clients",
        verbose_name=_("account manager"),
    )
    is_confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_(
            "Only the account manager, administrators and the units that hold a case of this "
            "client see a confidential client."
        ),
    )
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("An anonymous client has no name and no contact point."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
        verbose_name=_("merged into"),
        editable=False,
    )
    date_of_birth = models.DateField(
        _("date of birth"),
        null=True,
        blank=True,
        help_text=_("Held only when the client gave it; duplicate matching compares it."),
    )
    source_id = models.CharField(
        _("identifier in the source system"),
        max_length=200,
        blank=True,
        default="",
        db_index=True,
        help_text=_("The identifier the record had in the system it came from."),
    )
    #: The names folded (lower case, no accents) for look-up; kept up to date by the actions.
    search_name = models.CharField(max_length=900, blank=True, default="", editable=False)
    history = HistoricalRecords()

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["search_name", "pk"]
        default_permissions = NO_DELETE
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        permissions = [("merge_client", _("Can merge duplicate client records and undo a merge"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ClientKind.values), name="clients_client_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(preferred_language__in=OfficialLanguage.values),
                name="clients_client_language_valid",
            ),
            models.CheckConstraint(
                condition=Q(segment__in=Segment.values), name="clients_client_segment_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind=ClientKind.PERSON)
                | Q(is_anonymous=True)
                | ~Q(family_name="")
                | ~Q(given_name=""),
                name="clients_client_person_has_name",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ClientKind.ORGANIZATION)
                | Q(is_anonymous=True)
                | ~Q(organization_name=""),
                name="clients_client_organization_has_name",
            ),
            models.CheckConstraint(
                condition=Q(is_anonymous=False)
                | Q(given_name="", family_name="", organization_name=""),
                name="clients_client_anonymous_has_no_names",
            ),
        ]
        indexes = [
            models.Index(
                fields=["search_name"],
                name="clients_client_search_idx",
                # PostgreSQL: a pattern index serves ``LIKE 'prefix%'``; ignored on SQLite.
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["is_anonymous"], name="clients_client_anonymous_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name to show, in the reader's language when it is a word ("Anonymous")."""
        if self.is_anonymous:
            return gettext("Anonymous client")
        if self.kind == ClientKind.ORGANIZATION:
            return self.organization_name
        return " ".join(name for name in (self.given_name, self.family_name) if name)

    @property
    def alternate_format_codes(self) -> list[str]:
        return split_formats(self.alternate_formats)

    @property
    def alternate_format_labels(self) -> list[str]:
        labels = dict(AlternateFormat.choices)
        return [str(labels[code]) for code in self.alternate_format_codes if code in labels]

    def folded_names(self) -> str:
        """The value of ``search_name`` for the current names."""
        return fold(" ".join((self.given_name, self.family_name, self.organization_name)))

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if self.is_anonymous:
            for field in ("given_name", "family_name", "organization_name"):
                if getattr(self, field):
                    errors.setdefault(field, []).append(
                        ValidationError(
                            _("An anonymous client has no name."), code="anonymous_has_name"
                        )
                    )
        elif self.kind == ClientKind.PERSON and not (self.given_name or self.family_name):
            errors["family_name"] = [
                ValidationError(
                    _("Give the person's family name or given name."), code="person_needs_name"
                )
            ]
        elif self.kind == ClientKind.ORGANIZATION and not self.organization_name:
            errors["organization_name"] = [
                ValidationError(_("Give the organization's name."), code="organization_needs_name")
            ]
        if self.kind == ClientKind.PERSON and self.organization_name:
            errors.setdefault("organization_name", []).append(
                ValidationError(
                    _("A person has no organization name: link the person to the organization."),
                    code="person_has_organization_name",
                )
            )
        if self.kind == ClientKind.ORGANIZATION and (self.given_name or self.family_name):
            errors.setdefault("given_name", []).append(
                ValidationError(
                    _("An organization has no given or family name."),
                    code="organization_has_person_name",
                )
            )
        if errors:
            raise ValidationError(errors)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        _no_delete(self)


class ContactPointKind(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    ADDRESS = "address", _("Mailing address")


class ContactPointLabel(models.TextChoices):
    WORK = "work", _("Work")
    HOME = "home", pgettext_lazy("contact point label", "Home")
    OTHER = "other", _("Other")


class Province(models.TextChoices):
    AB = "AB", _("Alberta")
    BC = "BC", _("British Columbia")
    MB = "MB", _("Manitoba")
    NB = "NB", _("New Brunswick")
    NL = "NL", _("Newfoundland and Labrador")
    NS = "NS", _("Nova Scotia")
    NT = "NT", _("Northwest Territories")
    NU = "NU", _("Nunavut")
    ON = "ON", _("Ontario")
    PE = "PE", _("Prince Edward Island")
    QC = "QC", _("Quebec")
    SK = "SK", _("Saskatchewan")
    YT = "YT", _("Yukon")


#: The message of each normalization error code, in words.
NORMALIZATION_MESSAGES = {
    "invalid_email": _("Enter an email address such as name@example.ca."),
    "invalid_phone": _("Enter a phone number such as 613-555-0100 or +33 1 23 45 67 89."),
    "invalid_postal_code": _("Enter a Canadian postal code such as K1A 0B1."),
}


class ContactPointQuerySet(models.QuerySet["ContactPoint"]):
    def visible_to(self, user: AnyUser) -> ContactPointQuerySet:
        if not user.has_perm("clients.view_contactpoint"):
            return self.none()
        return self.filter(client__in=Client.objects.visible_to(user).values("pk"))

    def editable_by(self, user: AnyUser) -> ContactPointQuerySet:
        if not user.has_perm("clients.change_contactpoint"):
            return self.none()
        return self.filter(client__in=Client.objects.editable_by(user).values("pk"))

    def active(self) -> ContactPointQuerySet:
        return self.filter(is_active=True)


class ContactPoint(models.Model):
    """One way to reach a client: an email address, a phone number or a mailing address, as the
    client gave it (``value``) and normalized for look-up (``normalized``)."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="contact_points", verbose_name=_("client")
    )
    kind = models.CharField(
        _("kind of contact point"), max_length=10, choices=ContactPointKind.choices
    )
    value = models.CharField(_("as given"), max_length=500, blank=True, default="")
    normalized = models.CharField(max_length=500, editable=False, default="")
    label = models.CharField(
        _("label"), max_length=10, choices=ContactPointLabel.choices, default=ContactPointLabel.WORK
    )
    street = models.CharField(_("street address"), max_length=300, blank=True, default="")
    city = models.CharField(_("city"), max_length=200, blank=True, default="")
    province = models.CharField(
        _("province or territory"), max_length=2, choices=Province.choices, blank=True, default=""
    )
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True, default="")
    country = models.CharField(
        _("country"),
        max_length=2,
        default="CA",
        help_text=_("The two-letter country code (CA for Canada)."),
    )
    is_primary = models.BooleanField(_("primary"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = ContactPointQuerySet.as_manager()

    class Meta:
        ordering = ["client", "kind", "-is_primary", "pk"]
        default_permissions = NO_DELETE
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ContactPointKind.values),
                name="clients_contactpoint_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind=ContactPointKind.ADDRESS)
                | Q(street="", city="", province="", postal_code=""),
                name="clients_contactpoint_address_fields_only_on_address",
            ),
            models.CheckConstraint(
                condition=Q(is_active=True) | Q(is_primary=False),
                name="clients_contactpoint_ended_not_primary",
            ),
            models.UniqueConstraint(
                fields=["client", "kind"],
                condition=Q(is_primary=True),
                name="clients_contactpoint_one_primary_per_kind",
            ),
        ]
        indexes = [
            models.Index(
                fields=["normalized"],
                name="clients_contact_normalized_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["kind", "normalized"], name="clients_contact_kind_norm_idx"),
        ]

    def __str__(self) -> str:
        return self.value

    def normalize(self) -> str:
        """``normalized`` for the current value (raises ``NormalizationError``)."""
        from comptoir.clients import normalization

        if self.kind == ContactPointKind.EMAIL:
            return normalization.normalize_email(self.value)
        if self.kind == ContactPointKind.PHONE:
            return normalization.normalize_phone(self.value)
        return normalization.normalize_postal_code(self.postal_code, self.country or "CA")

    def address_lines(self) -> str:
        """A mailing address on one line, as kept in ``value``."""
        place = " ".join(part for part in (self.province, self.postal_code) if part)
        parts = [self.street, self.city, place]
        if self.country and self.country.upper() != "CA":
            parts.append(self.country.upper())
        return ", ".join(part for part in parts if part)

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        field = "postal_code" if self.kind == ContactPointKind.ADDRESS else "value"
        if self.kind == ContactPointKind.ADDRESS:
            self.country = (self.country or "CA").strip().upper()
            if not (len(self.country) == 2 and self.country.isascii() and self.country.isalpha()):
                errors["country"] = [
                    ValidationError(
                        _("Give the two-letter country code, such as CA or FR."),
                        code="invalid_country",
                    )
                ]
            if self.country == "CA" and not self.postal_code.strip():
                errors["postal_code"] = [
                    ValidationError(
                        _("Give the postal code of a Canadian address."),
                        code="postal_code_required",
                    )
                ]
            if not (self.street.strip() or self.city.strip()):
                errors["street"] = [
                    ValidationError(
                        _("Give the street address or the city."), code="address_incomplete"
                    )
                ]
        elif not self.value.strip():
            errors["value"] = [ValidationError(_("This field is required."), code="required")]
        if self.kind in ContactPointKind.values and field not in errors:
            try:
                self.normalized = self.normalize()
            except NormalizationError as error:
                errors.setdefault(field, []).append(
                    ValidationError(NORMALIZATION_MESSAGES[error.code], code=error.code)
                )
        if self.kind == ContactPointKind.ADDRESS and not errors:
            self.postal_code = self.normalized if self.country == "CA" else self.postal_code
            self.value = self.address_lines()
        if errors:
            raise ValidationError(errors)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        _no_delete(self)


class ContactQuerySet(models.QuerySet["Contact"]):
    def active(self) -> ContactQuerySet:
        return self.filter(is_active=True)


class Contact(models.Model):
    """A person client who is a contact of an organization client, in a role."""

    person = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="contact_of", verbose_name=_("person")
    )
    organization = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("organization")
    )
    role = models.CharField(_("role"), max_length=200, blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "person"]
        default_permissions = NO_DELETE
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organization"],
                condition=Q(is_active=True),
                name="clients_contact_one_active_link",
            ),
            models.CheckConstraint(
                condition=~Q(person=models.F("organization")),
                name="clients_contact_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.organization}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        _no_delete(self)


class ClientPage(models.TextChoices):
    """The pages whose reads of a confidential client are logged."""

    DETAIL = "detail", _("Client page")
    EDIT = "edit", _("Edit page")
    CONTACT_POINT = "contact_point", _("Contact point page")
    DUPLICATES = "duplicates", _("Possible duplicates")
    MERGE = "merge", _("Merge page")


class ClientAccessLogQuerySet(models.QuerySet["ClientAccessLog"]):
    def update(self, **kwargs: Any) -> int:
        raise ValidationError(_("The access log cannot be changed."), code="append_only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValidationError(_("The access log cannot be changed."), code="append_only")


class ClientAccessLog(models.Model):
    """Who read a confidential client's page, and when: append-only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("staff member"),
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="access_log", verbose_name=_("client")
    )
    at = models.DateTimeField(_("read at"))
    page = models.CharField(_("page"), max_length=20, choices=ClientPage.choices)

    objects = ClientAccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)
        verbose_name = _("confidential client read")
        verbose_name_plural = _("confidential client reads")
        indexes = [models.Index(fields=["client", "-at"], name="clients_accesslog_client_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.client_id} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValidationError(_("The access log cannot be changed."), code="append_only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError(_("The access log cannot be changed."), code="append_only")


class ClientMatchKey(models.Model):
    """One blocking string of a client's record (``core.matching.blocking_values``): the index
    the intake proposals look candidates up in (``clients.matching``). Derived data, rewritten
    from the record whenever its names or contact points change; it holds nothing the record does
    not, so rows are replaced, not kept."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="match_keys")
    value = models.CharField(max_length=200)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["client", "value"], name="clients_matchkey_unique")
        ]
        indexes = [models.Index(fields=["value", "client"], name="clients_matchkey_value")]

    def __str__(self) -> str:
        return self.value


class DuplicateVerdict(models.TextChoices):
    CONFIRMED = "confirmed", pgettext_lazy("duplicate decision", "Confirmed")
    REJECTED = "rejected", pgettext_lazy("duplicate decision", "Rejected")


class DuplicateDecision(models.Model):
    """A data steward's decision on a pair of client records the duplicate search found: one
    client (``confirmed``, to be merged) or two (``rejected``: never proposed again). One per
    pair, ``left`` the lower key; a change of mind is a correction of the row, kept in the
    history."""

    left = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="+", verbose_name=_("first record")
    )
    right = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="+", verbose_name=_("second record")
    )
    decision = models.CharField(_("decision"), max_length=10, choices=DuplicateVerdict.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"))
    reason = models.TextField(_("reason"), blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at", "pk"]
        default_permissions = NO_DELETE
        verbose_name = _("duplicate decision")
        verbose_name_plural = _("duplicate decisions")
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="clients_duplicate_pair_once"),
            models.CheckConstraint(
                condition=Q(left__lt=models.F("right")), name="clients_duplicate_pair_ordered"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=DuplicateVerdict.values),
                name="clients_duplicate_decision_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.left_id}–{self.right_id}: {self.decision}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        _no_delete(self)


class DuplicateCandidate(models.Model):
    """A pair ``find-duplicates --record`` found and nobody has decided yet: the review queue's
    rows. Derived data, like ``ClientMatchKey``: each recorded run replaces the pending pairs
    (a decision, not a candidate, is what must never be lost)."""

    left = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    #: ``[{"field": ..., "level": ..., "weight": ...}, ...]``: the comparisons that counted.
    explanation = models.JSONField(_("explanation"), default=list)
    found_at = models.DateTimeField(_("found at"))

    class Meta:
        ordering = ["-score", "left", "right"]
        default_permissions = ("view",)
        verbose_name = _("duplicate candidate")
        verbose_name_plural = _("duplicate candidates")
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="clients_candidate_pair_once"),
            models.CheckConstraint(
                condition=Q(left__lt=models.F("right")), name="clients_candidate_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["-score"], name="clients_candidate_score_idx")]

    def __str__(self) -> str:
        return f"{self.left_id}–{self.right_id}: {self.score:.3f}"


# --- merges -------------------------------------------------------------------------------------


class _AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise ValidationError(_("A merge's record cannot be changed."), code="append_only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValidationError(_("A merge's record cannot be changed."), code="append_only")


class _AppendOnly(models.Model):
    """Rows written once (the database refuses UPDATE and DELETE too: migration
    ``clients.0006_merges``)."""

    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValidationError(_("A merge's record cannot be changed."), code="append_only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError(_("A merge's record cannot be changed."), code="append_only")


class ClientMerge(_AppendOnly):
    """Duplicate records merged into the record kept (``survivor``): who, when, why, which
    record each kept value came from and what the survivor's fields were before, so that the
    merge can be undone exactly (a :class:`ClientMergeUndo`). The records merged are its
    :class:`ClientMergeMember` rows; each remains, ``merged_into`` the survivor."""

    survivor = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="merges", verbose_name=_("record kept")
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged by"),
    )
    merged_at = models.DateTimeField(_("merged at"))
    reason = models.TextField(_("reason"))
    #: ``{field: client key}``: the record each of :data:`MERGE_FIELDS` was taken from.
    chosen = models.JSONField(_("values kept"), default=dict)
    #: ``{field: [before, after]}``: the survivor's fields the merge changed, as JSON values (a
    #: date in ISO 8601, the account manager by key).
    changes = models.JSONField(_("fields changed"), default=dict)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        default_permissions = ("view",)
        verbose_name = _("client merge")
        verbose_name_plural = _("client merges")
        indexes = [
            models.Index(fields=["survivor", "-merged_at"], name="clients_merge_survivor_idx")
        ]

    def __str__(self) -> str:
        return f"merge {self.pk} into {self.survivor_id}"


class ClientMergeMember(_AppendOnly):
    """One record a merge merged into its survivor, and what moved from it: ``moved`` is
    ``{"cases": [keys], "contact_points": [{"id", "before": {...}, "after": {...}}],
    "contacts": [{"id", "side", "before": {...}, "after": {...}}]}`` (the states of
    ``is_primary``, ``is_active``, ``ended_at`` or the link's ``is_active`` the merge changed)."""

    merge = models.ForeignKey(
        ClientMerge, on_delete=models.PROTECT, related_name="members", verbose_name=_("merge")
    )
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        related_name="merged_in",
        verbose_name=_("record merged"),
    )
    moved = models.JSONField(_("what moved"), default=dict)

    class Meta:
        ordering = ["merge", "pk"]
        default_permissions = ("view",)
        verbose_name = _("record merged")
        verbose_name_plural = _("records merged")
        constraints = [
            models.UniqueConstraint(fields=["merge", "client"], name="clients_merge_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.client_id} in merge {self.merge_id}"

    @property
    def case_count(self) -> int:
        return len(self.moved.get("cases", []))

    @property
    def contact_point_count(self) -> int:
        return len(self.moved.get("contact_points", []))


class ClientMergeUndo(_AppendOnly):
    """A merge undone: who, when, why, and the survivor's fields left as they were because
    someone corrected them after the merge (``kept_fields``)."""

    merge = models.OneToOneField(
        ClientMerge, on_delete=models.PROTECT, related_name="undo", verbose_name=_("merge")
    )
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )
    undone_at = models.DateTimeField(_("undone at"))
    reason = models.TextField(_("reason"))
    kept_fields = models.JSONField(_("fields corrected since, left as they are"), default=list)

    class Meta:
        default_permissions = ("view",)
        verbose_name = _("merge undone")
        verbose_name_plural = _("merges undone")

    def __str__(self) -> str:
        return f"merge {self.merge_id} undone"
