"""The Open Government registry's program codes: reference data loaded from the data dictionary.

``comptoir inventory load-program-codes service_data_dict.json`` loads (or reloads) them; the
validator then checks every ``program_id`` against this list for the record's organization and
fiscal year. With no code loaded, program codes are checked for their format only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from comptoir.core.opendata.programs import ListedProgram, ProgramList, Validity

if TYPE_CHECKING:
    from collections.abc import Mapping


class ProgramCodeQuerySet(models.QuerySet["ProgramCode"]):
    def program_list(self) -> ProgramList | None:
        """The codes as the validator takes them; ``None`` when no code is loaded."""
        programs = [
            code.as_listed() for code in self.only("code", "name_en", "name_fr", "valid_orgs")
        ]
        return ProgramList(programs) if programs else None


class ProgramCode(models.Model):
    """One code of the registry's program list (``program_id`` choices of the data dictionary).

    ``valid_orgs`` is the dictionary's own mapping, kept as published: organization code
    (``owner_org``) to its validity, ``{"until_fiscal_end": 2026}`` (the last fiscal year ends in
    that year) and, where given, ``{"from_fiscal_start": 2024}`` (the first one starts in it).
    """

    code = models.CharField(_("program ID"), max_length=5, unique=True)
    name_en = models.TextField(_("name (English)"))
    name_fr = models.TextField(_("name (French)"))
    valid_orgs = models.JSONField(_("organizations and years of validity"), default=dict)
    history = HistoricalRecords()

    objects = ProgramCodeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("registry program code")
        verbose_name_plural = _("registry program codes")

    def __str__(self) -> str:
        return self.code

    def as_listed(self) -> ListedProgram:
        valid_orgs: Mapping[str, Any] = self.valid_orgs or {}
        return ListedProgram(
            code=self.code,
            name_en=self.name_en,
            name_fr=self.name_fr,
            valid_orgs={
                org: Validity(
                    from_fiscal_start=years.get("from_fiscal_start"),
                    until_fiscal_end=years.get("until_fiscal_end"),
                )
                for org, years in valid_orgs.items()
            },
        )

    @staticmethod
    def valid_orgs_of(program: ListedProgram) -> dict[str, dict[str, int]]:
        """The ``valid_orgs`` value stored for a program of the list (bounds that are set)."""
        stored: dict[str, dict[str, int]] = {}
        for org, validity in program.valid_orgs.items():
            years: dict[str, int] = {}
            if validity.from_fiscal_start is not None:
                years["from_fiscal_start"] = validity.from_fiscal_start
            if validity.until_fiscal_end is not None:
                years["until_fiscal_end"] = validity.until_fiscal_end
            stored[org] = years
        return stored
