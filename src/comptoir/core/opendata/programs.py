"""The Open Government registry's list of program codes, and where each may be used.

The official data dictionary (``service_data_dict.json``) gives, in the ``choices`` of the service
resource's ``program_id`` field, every program code the registry accepts (1,166 in the 2025
snapshot) with its English and French names and ``valid_orgs``: the organizations that may report
it, each with the years it is valid for::

    "BGM01": {"en": "Reaching Home", "fr": "Vers un chez-soi",
              "valid_orgs": {"esdc-edsc": {"until_fiscal_end": 2024}}}

``until_fiscal_end`` is the calendar year in which the last fiscal year the code is valid for
ends (2024: up to 2023-2024, the registry's "valid until fiscal year ending in"); the optional
``from_fiscal_start`` is the year in which the first one starts. A missing bound is open.

The registry refuses a code that is not in its list. A listed code reported by an organization the
list does not give, or for a year outside its validity, is accepted by the registry's triggers but
contradicts the list: Comptoir reports it as a warning (see ``validation``).

Pure: the caller reads the file (or its database) and hands the codes to the validator.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from comptoir.core.opendata.schema import FISCAL_YEAR_FORMAT, PROGRAM_ID_FORMAT

__all__ = [
    "DictionaryFormatError",
    "ListedProgram",
    "ProgramList",
    "ProgramUse",
    "Validity",
    "programs_from_dictionary",
]

_VALIDITY_KEYS = frozenset({"from_fiscal_start", "until_fiscal_end"})


class DictionaryFormatError(ValueError):
    """The data dictionary does not hold a program-code list in the expected shape.

    ``code`` is stable (the Django layer words it): ``not_a_dictionary``, ``no_program_field``,
    ``no_program_codes``, ``bad_program_code``, ``bad_validity``. ``detail`` names the code or
    organization concerned, when there is one.
    """

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


class ProgramUse(enum.StrEnum):
    """How a program code stands against the registry's list, for one organization and year."""

    LISTED = "listed"
    NOT_LISTED = "not_listed"
    OTHER_ORGANIZATION = "other_organization"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"


@dataclass(frozen=True, slots=True)
class Validity:
    """The fiscal years an organization may report a code for (``None``: no bound)."""

    from_fiscal_start: int | None = None
    until_fiscal_end: int | None = None

    def use_in(self, fiscal_yr: str) -> ProgramUse:
        """``LISTED``, ``EXPIRED`` or ``NOT_YET_VALID`` for a fiscal year written ``2023-2024``.

        A cell that is not a fiscal year is reported by its own rule: it is not judged here.
        """
        match = FISCAL_YEAR_FORMAT.fullmatch(fiscal_yr)
        if match is None:
            return ProgramUse.LISTED
        if self.until_fiscal_end is not None and int(match["end"]) > self.until_fiscal_end:
            return ProgramUse.EXPIRED
        if self.from_fiscal_start is not None and int(match["start"]) < self.from_fiscal_start:
            return ProgramUse.NOT_YET_VALID
        return ProgramUse.LISTED


@dataclass(frozen=True, slots=True)
class ListedProgram:
    """One code of the registry's list: its names and, per organization, its validity."""

    code: str
    name_en: str
    name_fr: str
    valid_orgs: Mapping[str, Validity] = field(default_factory=dict)


class ProgramList:
    """The registry's program codes, by code (read-only)."""

    __slots__ = ("_programs",)

    def __init__(self, programs: Iterable[ListedProgram]) -> None:
        self._programs: Mapping[str, ListedProgram] = MappingProxyType(
            {program.code: program for program in programs}
        )

    def __len__(self) -> int:
        return len(self._programs)

    def __contains__(self, code: object) -> bool:
        return code in self._programs

    def __iter__(self) -> Iterator[ListedProgram]:
        return iter(self._programs.values())

    def get(self, code: str) -> ListedProgram | None:
        return self._programs.get(code)

    def use(self, code: str, *, owner_org: str, fiscal_yr: str) -> ProgramUse:
        """How ``code`` stands when ``owner_org`` reports it for ``fiscal_yr``."""
        program = self._programs.get(code)
        if program is None:
            return ProgramUse.NOT_LISTED
        validity = program.valid_orgs.get(owner_org)
        if validity is None:
            return ProgramUse.OTHER_ORGANIZATION
        return validity.use_in(fiscal_yr)


def _year(value: object, code: str, owner_org: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2999:
        raise DictionaryFormatError("bad_validity", f"{code} {owner_org}")
    return value


def _validity(value: object, code: str, owner_org: str) -> Validity:
    if not isinstance(value, Mapping) or not set(value) <= _VALIDITY_KEYS:
        raise DictionaryFormatError("bad_validity", f"{code} {owner_org}")
    return Validity(
        from_fiscal_start=_year(value.get("from_fiscal_start"), code, owner_org),
        until_fiscal_end=_year(value.get("until_fiscal_end"), code, owner_org),
    )


def _program(code: object, entry: object) -> ListedProgram:
    if not isinstance(code, str) or not PROGRAM_ID_FORMAT.fullmatch(code):
        raise DictionaryFormatError("bad_program_code", str(code)[:40])
    if not isinstance(entry, Mapping):
        raise DictionaryFormatError("bad_program_code", code)
    name_en, name_fr = entry.get("en", ""), entry.get("fr", "")
    valid_orgs = entry.get("valid_orgs", {})
    if not isinstance(name_en, str) or not isinstance(name_fr, str):
        raise DictionaryFormatError("bad_program_code", code)
    if not isinstance(valid_orgs, Mapping) or not all(isinstance(o, str) for o in valid_orgs):
        raise DictionaryFormatError("bad_validity", code)
    return ListedProgram(
        code=code,
        name_en=name_en.strip(),
        name_fr=name_fr.strip(),
        valid_orgs=MappingProxyType(
            {org: _validity(value, code, org) for org, value in sorted(valid_orgs.items())}
        ),
    )


def programs_from_dictionary(document: Any) -> list[ListedProgram]:
    """The program codes of a parsed data dictionary (``json.load`` of the official file).

    Raises :class:`DictionaryFormatError` when the document has no ``program_id`` field with
    choices, or when a code or a validity is not in the official shape.
    """
    if not isinstance(document, Mapping) or not isinstance(document.get("resources"), list):
        raise DictionaryFormatError("not_a_dictionary")
    choices: object = None
    for resource in document["resources"]:
        if not isinstance(resource, Mapping) or resource.get("resource_name") != "service":
            continue
        for spec in resource.get("fields", ()):
            if isinstance(spec, Mapping) and spec.get("id") == "program_id":
                choices = spec.get("choices")
    if choices is None:
        raise DictionaryFormatError("no_program_field")
    if not isinstance(choices, Mapping) or not choices:
        raise DictionaryFormatError("no_program_codes")
    return [_program(code, entry) for code, entry in sorted(choices.items())]
