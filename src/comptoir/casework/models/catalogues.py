"""Reference data of casework, edited in the admin: request types and subjects (grouped by theme).

Each entry has a stable ``code``, a name in each language and ``is_active`` (an entry is switched
off, never deleted, so old cases keep theirs); every change is history.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from comptoir import i18n


class _Catalogue(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        default_permissions = ("add", "change", "view")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language."""
        return i18n.pick_field(self, "name")


class RequestType(_Catalogue):
    """What was asked for (Statistics Canada's evaluation of client services, figure 4)."""

    history = HistoricalRecords()

    class Meta(_Catalogue.Meta):
        verbose_name = _("request type")
        verbose_name_plural = _("request types")


class SubjectTheme(_Catalogue):
    """A group of subjects (for example a statistical theme or a product line)."""

    history = HistoricalRecords()

    class Meta(_Catalogue.Meta):
        verbose_name = _("subject theme")
        verbose_name_plural = _("subject themes")


class Subject(_Catalogue):
    """A product or subject a case is about."""

    theme = models.ForeignKey(
        SubjectTheme, on_delete=models.PROTECT, related_name="subjects", verbose_name=_("theme")
    )
    history = HistoricalRecords()

    class Meta(_Catalogue.Meta):
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
