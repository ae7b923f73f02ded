"""Services, standards and their yearly records in the official open-data schema."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from comptoir.inventory.models import scope
from comptoir.inventory.models.organizations import (
    Organization,
    Program,
    Unit,
    join_owner_org_title,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from comptoir.inventory.models.scope import AnyUser

#: Service-resource fields stored as published on ``ServiceYear`` (official names, official
#: order). The four others (``fiscal_yr``, ``service_id``, ``owner_org``, ``owner_org_title``)
#: come from the fiscal year, the service and the organization.
SERVICE_FIELDS_STORED: tuple[str, ...] = (
    "service_name_en",
    "service_name_fr",
    "service_description_en",
    "service_description_fr",
    "service_type",
    "service_recipient_type",
    "service_scope",
    "client_target_groups",
    "program_id",
    "program_name_en",
    "program_name_fr",
    "client_feedback_channel",
    "automated_decision_system",
    "automated_decision_system_description_en",
    "automated_decision_system_description_fr",
    "service_fee",
    "os_account_registration",
    "os_authentication",
    "os_application",
    "os_decision",
    "os_issuance",
    "os_issue_resolution_feedback",
    "os_comments_client_interaction_en",
    "os_comments_client_interaction_fr",
    "last_service_review",
    "last_service_improvement",
    "sin_usage",
    "cra_bn_identifier_usage",
    "num_phone_enquiries",
    "num_applications_by_phone",
    "num_website_visits",
    "num_applications_online",
    "num_applications_in_person",
    "num_applications_by_mail",
    "num_applications_by_email",
    "num_applications_by_fax",
    "num_applications_by_other",
    "num_applications_total",
    "special_remarks_en",
    "special_remarks_fr",
    "service_uri_en",
    "service_uri_fr",
)

#: Standard-resource fields stored as published on ``StandardYear`` (official names and order);
#: ``fiscal_yr``, ``service_id``, ``service_standard_id``, ``owner_org`` and ``owner_org_title``
#: are derived.
STANDARD_FIELDS_STORED: tuple[str, ...] = (
    "service_name_en",
    "service_name_fr",
    "service_standard_en",
    "service_standard_fr",
    "type",
    "channel",
    "channel_comments_en",
    "channel_comments_fr",
    "target",
    "volume_meeting_target",
    "total_volume",
    "performance",
    "comments_en",
    "comments_fr",
    "target_met",
    "standards_targets_uri_en",
    "standards_targets_uri_fr",
    "performance_results_uri_en",
    "performance_results_uri_fr",
)

NO_DATA_MARKERS = frozenset({"NA", "ND", ""})

fiscal_year_code_validator = RegexValidator(
    r"^[0-9]{4}-[0-9]{4}$", _("Write a fiscal year as 2025-2026.")
)


def _cell(label: _StrPromise) -> models.TextField[str, str]:
    """An open-data cell kept as published."""
    return models.TextField(label, blank=True, default="")


def split_codes(cell: str) -> list[str]:
    """The codes of a multi-value cell (``"EML,ONL"`` → ``["EML", "ONL"]``)."""
    return [code.strip() for code in cell.split(",") if code.strip()]


class FiscalYearQuerySet(models.QuerySet["FiscalYear"]):
    def visible_to(self, user: AnyUser) -> FiscalYearQuerySet:
        return self if scope.is_staff_viewer(user) else self.none()

    def approvable_by(self, user: AnyUser) -> FiscalYearQuerySet:
        """Fiscal years the user may approve (freeze): custodians of the organization and
        administrators."""
        if not (scope.is_staff_viewer(user) and user.has_perm("inventory.approve_fiscalyear")):
            return self.none()
        return _scoped(self, scope.organization_scope(user, "organization"))


class FiscalYear(models.Model):
    """One fiscal year of one organization's inventory; approval freezes its records.

    The year keeps the organization's title it was imported (or created) with,
    ``owner_org_title_en``/``_fr``: the pages and the export of a year read it, not the
    organization's current title, so a later year's new name cannot rename an approved year
    (docs/decisions/0006-approval-freezes-titles.md). Approval fills it if it is still blank.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="fiscal_years"
    )
    code = models.CharField(
        _("fiscal year"), max_length=20, validators=[fiscal_year_code_validator]
    )
    owner_org_title_en = models.CharField(
        _("organization title for this year (English)"), max_length=500, blank=True, default=""
    )
    owner_org_title_fr = models.CharField(
        _("organization title for this year (French)"), max_length=500, blank=True, default=""
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = FiscalYearQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "-code"]
        verbose_name = _("fiscal year")
        verbose_name_plural = _("fiscal years")
        permissions = [("approve_fiscalyear", _("Can approve (freeze) a fiscal year"))]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], name="inventory_fiscalyear_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True, approved_by__isnull=True)
                | Q(approved_at__isnull=False, approved_by__isnull=False),
                name="inventory_fiscalyear_approval_complete",
            ),
        ]
        indexes = [models.Index(fields=["code"], name="inventory_fy_code_idx")]

    def __str__(self) -> str:
        return f"{self.organization.owner_org} {self.code}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def titles(self) -> tuple[str, str]:
        """The organization's (English, French) title for this year: the year's own, or the
        organization's current one while the year has none (a year not imported nor approved)."""
        if self.owner_org_title_en:
            return self.owner_org_title_en, self.owner_org_title_fr
        return self.organization.title_en, self.organization.title_fr

    @property
    def owner_org_title(self) -> str:
        """The open-data ``owner_org_title`` cell of this year's rows: ``English | French``."""
        return join_owner_org_title(*self.titles)


class Service(models.Model):
    """A service, identified by its stable ``service_id`` within its organization."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="services"
    )
    service_id = models.CharField(_("service ID"), max_length=100)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organization", "service_id"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "service_id"], name="inventory_service_unique_id"
            )
        ]
        indexes = [models.Index(fields=["service_id"], name="inventory_service_id_idx")]

    def __str__(self) -> str:
        return self.service_id


class ServiceOwnership(models.Model):
    """A staff member assigned as owner of a service (service owners edit only theirs)."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="ownerships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_ownerships"
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service ownership")
        verbose_name_plural = _("service ownerships")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "user"], name="inventory_serviceownership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.user}"


class ServiceYearQuerySet(models.QuerySet["ServiceYear"]):
    def for_fiscal_year(self, code: str) -> ServiceYearQuerySet:
        return self.filter(fiscal_year__code=code)

    def for_organization(self, owner_org: str) -> ServiceYearQuerySet:
        return self.filter(fiscal_year__organization__owner_org=owner_org)

    def with_code(self, field: str, code: str) -> ServiceYearQuerySet:
        """Records whose multi-value ``field`` contains ``code`` (exact code, not a substring)."""
        return self.filter(
            Q(**{field: code})
            | Q(**{f"{field}__startswith": f"{code},"})
            | Q(**{f"{field}__endswith": f",{code}"})
            | Q(**{f"{field}__contains": f",{code},"})
        )

    def search(self, text: str) -> ServiceYearQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(service_name_en__icontains=text)
            | Q(service_name_fr__icontains=text)
            | Q(service__service_id__iexact=text)
            | Q(service_description_en__icontains=text)
            | Q(service_description_fr__icontains=text)
        )

    def visible_to(self, user: AnyUser) -> ServiceYearQuerySet:
        """Records the user may see: every record for inventory staff, none otherwise."""
        return self if scope.is_staff_viewer(user) else self.none()

    def editable_by(self, user: AnyUser) -> ServiceYearQuerySet:
        """Records the user may change (approval is checked by the actions)."""
        return _scoped(
            self,
            scope.change_scope(
                user,
                "inventory.change_serviceyear",
                organization_path="fiscal_year__organization",
                service_path="service",
            ),
        )

    def assessable_by(self, user: AnyUser) -> ServiceYearQuerySet:
        """Records whose Guideline tools (service test, priority assessment) the user may fill."""
        return _scoped(
            self,
            scope.change_scope(
                user,
                "inventory.add_servicetestassessment",
                organization_path="fiscal_year__organization",
                service_path="service",
            ),
        )

    def owners_manageable_by(self, user: AnyUser) -> ServiceYearQuerySet:
        """Records whose service's owners the user may assign: custodians of the organization
        and administrators."""
        permitted = user.has_perm("inventory.add_serviceownership") and user.has_perm(
            "inventory.change_serviceownership"
        )
        if not (scope.is_staff_viewer(user) and permitted):
            return self.none()
        return _scoped(self, scope.organization_scope(user, "fiscal_year__organization"))


def _scoped[Q_: models.QuerySet[Any]](queryset: Q_, condition: Q | None) -> Q_:
    """``queryset`` limited to ``condition`` (``None``: unlimited)."""
    return queryset if condition is None else queryset.filter(condition)


class ServiceYear(models.Model):
    """A service's record for one fiscal year: every field of the open-data service resource,
    plus the Guideline's elements that the open data lacks."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="years")
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="service_years"
    )

    # --- The open-data service resource (official names; cells as published) ---
    service_name_en = _cell(_("service name (English)"))
    service_name_fr = _cell(_("service name (French)"))
    service_description_en = _cell(_("service description (English)"))
    service_description_fr = _cell(_("service description (French)"))
    service_type = _cell(_("service type"))
    service_recipient_type = _cell(_("service recipient type"))
    service_scope = _cell(_("service scope"))
    client_target_groups = _cell(_("client target groups"))
    program_id = _cell(_("program ID"))
    program_name_en = _cell(_("program name (English)"))
    program_name_fr = _cell(_("program name (French)"))
    client_feedback_channel = _cell(_("client feedback channels"))
    automated_decision_system = _cell(_("automated decision system"))
    automated_decision_system_description_en = _cell(
        _("automated decision system description (English)")
    )
    automated_decision_system_description_fr = _cell(
        _("automated decision system description (French)")
    )
    service_fee = _cell(_("service fee"))
    os_account_registration = _cell(_("online: account registration"))
    os_authentication = _cell(_("online: authentication"))
    os_application = _cell(_("online: application"))
    os_decision = _cell(_("online: decision"))
    os_issuance = _cell(_("online: issuance"))
    os_issue_resolution_feedback = _cell(_("online: issue resolution and feedback"))
    os_comments_client_interaction_en = _cell(_("comments on client interaction (English)"))
    os_comments_client_interaction_fr = _cell(_("comments on client interaction (French)"))
    last_service_review = _cell(_("last service review"))
    last_service_improvement = _cell(_("last service improvement"))
    sin_usage = _cell(_("SIN used as identifier"))
    cra_bn_identifier_usage = _cell(_("CRA business number used as identifier"))
    num_phone_enquiries = _cell(_("telephone enquiries"))
    num_applications_by_phone = _cell(_("applications by telephone"))
    num_website_visits = _cell(_("website visits"))
    num_applications_online = _cell(_("applications online"))
    num_applications_in_person = _cell(_("applications in person"))
    num_applications_by_mail = _cell(_("applications by mail"))
    num_applications_by_email = _cell(_("applications by email"))
    num_applications_by_fax = _cell(_("applications by fax"))
    num_applications_by_other = _cell(_("applications by other channels"))
    num_applications_total = _cell(_("total applications"))
    special_remarks_en = _cell(_("special remarks (English)"))
    special_remarks_fr = _cell(_("special remarks (French)"))
    service_uri_en = _cell(_("service URL (English)"))
    service_uri_fr = _cell(_("service URL (French)"))

    # --- Guideline on Service Management, Table 5 elements the open data lacks ---
    programs = models.ManyToManyField(
        Program, blank=True, related_name="service_years", verbose_name=_("programs")
    )
    is_priority = models.BooleanField(_("priority service"), default=False)
    is_mission_critical = models.BooleanField(_("mission critical service"), default=False)
    is_essential = models.BooleanField(_("essential service"), default=False)
    responsibility_area = models.TextField(_("responsibility area"), blank=True, default="")
    responsible_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_years",
        verbose_name=_("responsible unit"),
    )
    authority = models.TextField(
        _("authority (legislation, regulations, policies)"), blank=True, default=""
    )
    service_owner = models.TextField(_("service owner"), blank=True, default="")
    service_provider = models.TextField(_("service provider"), blank=True, default="")
    has_service_agreements = models.BooleanField(
        _("service agreements in place"), null=True, blank=True
    )
    service_agreements = models.TextField(_("service agreements"), blank=True, default="")
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("custodian"),
    )
    revision_date = models.DateField(_("revision date"), null=True, blank=True)
    import_batch = models.ForeignKey(
        "inventory.ImportBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_years",
    )
    history = HistoricalRecords(excluded_fields=["import_batch"])

    objects = ServiceYearQuerySet.as_manager()

    class Meta:
        ordering = ["service__service_id"]
        verbose_name = _("service record for a fiscal year")
        verbose_name_plural = _("service records for a fiscal year")
        permissions = [("import_inventory", _("Can import the inventory from open-data files"))]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "fiscal_year"], name="inventory_serviceyear_unique_year"
            )
        ]
        indexes = [
            models.Index(
                fields=["fiscal_year", "service_recipient_type"], name="inventory_sy_recipient_idx"
            ),
            models.Index(
                fields=["fiscal_year", "is_priority", "is_mission_critical", "is_essential"],
                name="inventory_sy_designation_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.service_id} {self.fiscal_year.code}"

    def codes(self, field: str) -> list[str]:
        """The codes of a multi-value field."""
        return split_codes(getattr(self, field))

    def volume(self, field: str) -> int | None:
        """A volume cell as a number; ``None`` for ``NA``, ``ND``, blank or an invalid cell."""
        cell = getattr(self, field).strip()
        if cell in NO_DATA_MARKERS or not cell.isdigit():
            return None
        return int(cell)

    def official_row(self) -> dict[str, str]:
        """The 46 open-data cells of this record (key fields derived)."""
        organization = self.fiscal_year.organization
        row = {
            "fiscal_yr": self.fiscal_year.code,
            "service_id": self.service.service_id,
            "owner_org": organization.owner_org,
            "owner_org_title": self.fiscal_year.owner_org_title,
        }
        for name in SERVICE_FIELDS_STORED:
            row[name] = getattr(self, name)
        return row


class ServiceStandardQuerySet(models.QuerySet["ServiceStandard"]):
    def visible_to(self, user: AnyUser) -> ServiceStandardQuerySet:
        return self if scope.is_staff_viewer(user) else self.none()

    def editable_by(self, user: AnyUser) -> ServiceStandardQuerySet:
        """Standards whose machine rule the user may set: custodians of the organization and
        administrators, and the service's owners (who hold ``change_standardyear``: a rule is
        part of the standard they keep each year)."""
        return _scoped(
            self,
            scope.change_scope(
                user,
                "inventory.change_standardyear",
                organization_path="service__organization",
                service_path="service",
            ),
        )


class ServiceStandard(models.Model):
    """A service standard, identified by its ``service_standard_id`` within its service.

    ``rule`` is the machine rule the standards engine measures cases with: exactly
    ``comptoir.core.standards.StandardRule.to_dict()`` (null: no rule), set only by
    ``inventory.actions.do_set_standard_rule``.
    """

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="standards")
    service_standard_id = models.CharField(_("service standard ID"), max_length=100)
    rule = models.JSONField(_("machine rule"), null=True, blank=True, default=None)
    history = HistoricalRecords()

    objects = ServiceStandardQuerySet.as_manager()

    class Meta:
        ordering = ["service", "service_standard_id"]
        verbose_name = _("service standard")
        verbose_name_plural = _("service standards")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "service_standard_id"], name="inventory_standard_unique_id"
            )
        ]

    def __str__(self) -> str:
        return self.service_standard_id


class StandardYearQuerySet(models.QuerySet["StandardYear"]):
    def for_fiscal_year(self, code: str) -> StandardYearQuerySet:
        return self.filter(fiscal_year__code=code)

    def for_organization(self, owner_org: str) -> StandardYearQuerySet:
        return self.filter(fiscal_year__organization__owner_org=owner_org)

    def visible_to(self, user: AnyUser) -> StandardYearQuerySet:
        return self if scope.is_staff_viewer(user) else self.none()

    def editable_by(self, user: AnyUser) -> StandardYearQuerySet:
        return _scoped(
            self,
            scope.change_scope(
                user,
                "inventory.change_standardyear",
                organization_path="fiscal_year__organization",
                service_path="standard__service",
            ),
        )


class StandardYear(models.Model):
    """A standard's record for one fiscal year: every field of the open-data standard resource."""

    standard = models.ForeignKey(ServiceStandard, on_delete=models.PROTECT, related_name="years")
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="standard_years"
    )
    service_year = models.ForeignKey(
        ServiceYear,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="standard_years",
    )

    service_name_en = _cell(_("service name (English)"))
    service_name_fr = _cell(_("service name (French)"))
    service_standard_en = _cell(_("service standard (English)"))
    service_standard_fr = _cell(_("service standard (French)"))
    type = _cell(_("standard type"))
    channel = _cell(_("channel"))
    channel_comments_en = _cell(_("channel comments (English)"))
    channel_comments_fr = _cell(_("channel comments (French)"))
    target = _cell(_("operational target"))
    volume_meeting_target = _cell(_("volume meeting the target"))
    total_volume = _cell(_("total volume"))
    performance = _cell(_("performance"))
    comments_en = _cell(_("comments (English)"))
    comments_fr = _cell(_("comments (French)"))
    target_met = _cell(_("target met"))
    standards_targets_uri_en = _cell(_("standards and targets URL (English)"))
    standards_targets_uri_fr = _cell(_("standards and targets URL (French)"))
    performance_results_uri_en = _cell(_("performance results URL (English)"))
    performance_results_uri_fr = _cell(_("performance results URL (French)"))

    import_batch = models.ForeignKey(
        "inventory.ImportBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="standard_years",
    )
    history = HistoricalRecords(excluded_fields=["import_batch"])

    objects = StandardYearQuerySet.as_manager()

    class Meta:
        ordering = ["standard__service_standard_id"]
        verbose_name = _("standard record for a fiscal year")
        verbose_name_plural = _("standard records for a fiscal year")
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "fiscal_year"], name="inventory_standardyear_unique_year"
            )
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "type"], name="inventory_sty_type_idx"),
            models.Index(fields=["fiscal_year", "target_met"], name="inventory_sty_met_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.standard.service_standard_id} {self.fiscal_year.code}"

    def official_row(self) -> dict[str, str]:
        """The 24 open-data cells as stored (``performance``/``target_met`` as stored)."""
        organization = self.fiscal_year.organization
        row = {
            "fiscal_yr": self.fiscal_year.code,
            "service_id": self.standard.service.service_id,
            "service_standard_id": self.standard.service_standard_id,
            "owner_org": organization.owner_org,
            "owner_org_title": self.fiscal_year.owner_org_title,
        }
        for name in STANDARD_FIELDS_STORED:
            row[name] = getattr(self, name)
        return row
