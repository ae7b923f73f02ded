"""Organizations, their programs and the units that deliver service (with their calendars)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def join_owner_org_title(title_en: str, title_fr: str) -> str:
    """The open-data ``owner_org_title`` cell: ``English | French`` (English alone without a
    French title)."""
    return f"{title_en} | {title_fr}" if title_fr else title_en


class Organization(models.Model):
    """A department or agency, identified by its open-data ``owner_org`` code (``aafc-aac``)."""

    owner_org = models.CharField(_("organization code"), max_length=100, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=500)
    title_fr = models.CharField(_("title (French)"), max_length=500)
    # Every organization of the GC service inventory is federal: the default.
    is_federal = models.BooleanField(
        _("federal organization"),
        default=True,
        help_text=_(
            "A Government of Canada department or agency. Its units in Canada observe, by "
            "default, the holidays of the federal workplace too (holiday categories "
            "public,government)."
        ),
    )

    class PerformanceAttribution(models.TextChoices):
        """Which fiscal year a case's output counts in (``docs/measurement.md``)."""

        OUTPUT = "output", _("By output date (the open data's volume definitions)")
        RECEIPT = "receipt", _("By receipt date (the fiscal year the request was received in)")

    # Owned by ``comptoir.measurement``: the standards performance reads it.
    performance_attribution = models.CharField(
        _("performance attribution"),
        max_length=10,
        choices=PerformanceAttribution.choices,
        default=PerformanceAttribution.OUTPUT,
        help_text=_(
            "The fiscal year a case counts in for the standards performance: the year of its "
            "output (the default) or the year it was received."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["owner_org"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.owner_org

    @property
    def owner_org_title(self) -> str:
        """The open-data ``owner_org_title`` cell of the organization's current title."""
        return join_owner_org_title(self.title_en, self.title_fr)

    @staticmethod
    def split_owner_org_title(cell: str) -> tuple[str, str]:
        """Split a published ``owner_org_title`` into (English, French)."""
        english, separator, french = cell.partition(" | ")
        return (english, french) if separator else (cell, "")


class Program(models.Model):
    """A program of an organization (Policy on Results), by its program ID code."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="programs"
    )
    code = models.CharField(_("program ID"), max_length=100)
    name_en = models.TextField(_("name (English)"), blank=True, default="")
    name_fr = models.TextField(_("name (French)"), blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        ordering = ["organization", "code"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], name="inventory_program_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.code


class Unit(models.Model):
    """A part of an organization that delivers service, with its calendar.

    ``business_hours`` uses the weekly-hours notation of ``comptoir.core.businesstime``
    (``08:30-16:30`` Monday to Friday, or ``mon-fri 08:30-16:30; sat 09:00-12:00``);
    ``holiday_jurisdiction`` is ``CA`` (federal) or ``CA-QC``; ``holiday_categories`` a
    comma-separated list of ``holidays`` package categories (``public``, ``government``...); blank
    means the organization's default (``comptoir.inventory.calendars.default_holiday_categories``:
    ``public,government`` for a federal organization's unit in Canada, else ``public``), which
    ``clean`` writes in.
    """

    class Kind(models.TextChoices):
        CONTACT_CENTRE = "contact_centre", _("Contact centre")
        REGIONAL_OFFICE = "regional_office", _("Regional office")
        DIVISION = "division", _("Subject-matter division")
        OFFICE_ABROAD = "office_abroad", _("Office abroad")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="units")
    code = models.SlugField(_("code"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_fr = models.CharField(_("name (French)"), max_length=300)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    time_zone = models.CharField(_("time zone"), max_length=64, default="America/Toronto")
    business_hours = models.CharField(_("business hours"), max_length=300, default="08:30-16:30")
    holiday_jurisdiction = models.CharField(_("holiday jurisdiction"), max_length=10, default="CA")
    holiday_categories = models.CharField(
        _("holiday categories"),
        max_length=200,
        blank=True,
        default="",
        help_text=_(
            "Comma-separated categories of the holidays package. Leave blank for the default: "
            "public,government for a unit of a federal organization in Canada, public otherwise."
        ),
    )
    #: The official language the unit works in: its performance report is written in it.
    language = models.CharField(
        _("working language"),
        max_length=2,
        choices=[("en", _("English")), ("fr", _("French"))],
        default="en",
        help_text=_("The official language of the unit's reports."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organization", "code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], name="inventory_unit_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.name_en

    def clean(self) -> None:
        # Imported here: calendars imports the models.
        from comptoir.inventory.calendars import calendar_errors, default_holiday_categories

        if not self.holiday_categories.strip() and self.organization_id is not None:
            self.holiday_categories = ",".join(
                default_holiday_categories(
                    is_federal=self.organization.is_federal,
                    jurisdiction=self.holiday_jurisdiction,
                )
            )
        errors = calendar_errors(self)
        if errors:
            raise ValidationError(errors)


class UnitHoliday(models.Model):
    """A calendar override: an extra day off, or a package holiday the unit works anyway."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="holiday_overrides")
    day = models.DateField(_("day"))
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True, default="")
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True, default="")
    is_worked = models.BooleanField(
        _("worked"), default=False, help_text=_("The unit works on this public holiday.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit", "day"]
        verbose_name = _("holiday override")
        verbose_name_plural = _("holiday overrides")
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="inventory_unitholiday_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.day}"


class UnitClosure(models.Model):
    """A closure in special circumstances (storm, outage), with its reason in both languages."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="closures")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    reason_en = models.CharField(_("reason (English)"), max_length=300)
    reason_fr = models.CharField(_("reason (French)"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit", "starts_at"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="inventory_unitclosure_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.starts_at:%Y-%m-%d}"
