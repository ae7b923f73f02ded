"""The GC service-inventory open-data schema, as Python.

Two resources, each a CSV file published by the Treasury Board of Canada Secretariat on the Open
Government Portal (dataset "Service Inventory"):

- ``service`` (``service.csv``): 46 fields, one row per service and fiscal year;
- ``service-std`` (``service-std.csv``): 24 fields, one row per service standard and fiscal year.

Every field below is transcribed from the official data dictionary (``service_data_dict.json``):
id, English and French labels, obligation, datastore type, character limit and controlled choices
with their official labels. The tuples :data:`SERVICE_FIELDS` and :data:`STANDARD_FIELDS` are in the
exact column order of the published CSV headers (which is also the dictionary's order).

Three deliberate departures from the dictionary's literal choice lists (see
``docs/open-data-format.md``):

- ``fiscal_yr``, ``last_service_review`` and ``last_service_improvement`` list every fiscal year
  from 2005-2006 to 2029-2030 as choices. A list that expires is the wrong tool: these fields are
  checked by *format* instead (``YYYY-YYYY``, consecutive years): :data:`FISCAL_YEAR_FORMAT`.
- ``program_id`` lists 1,166 program codes of the government-wide Chart of Accounts, each valid for
  some organizations until some year. That list changes every year and belongs in the database
  (programs are first-class records in Comptoir), not in code. The core checks the code *format*
  (:data:`PROGRAM_ID_FORMAT`) and, when the caller passes the set of known codes, reports an unknown
  code under a separate, lower-severity rule.
- ``program_name_en``/``program_name_fr`` have the multi-value datastore type ``_text`` but no
  choices; the published cells hold a quoted list (``'Registry Services', 'Other'``) and are kept
  as text, not split.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = [
    "APPLICATION_CHANNEL_FIELDS",
    "COUNT_MAXIMUM",
    "DECIMAL_PLACES_MAXIMUM",
    "EARLIEST_FISCAL_YEAR_START",
    "FISCAL_YEAR_FORMAT",
    "IDENTIFIER_FORMAT",
    "KEY_FIELDS",
    "MULTI_VALUE_SEPARATOR",
    "ONLINE_POINT_FIELDS",
    "OWNER_ORG_FORMAT",
    "PROGRAM_ID_FORMAT",
    "SERVICE_COLUMNS",
    "SERVICE_FIELDS",
    "STANDARD_COLUMNS",
    "STANDARD_FIELDS",
    "UNSAFE_URI_SCHEMES",
    "WEB_ADDRESS_FIELDS",
    "Channel",
    "ChoiceLabels",
    "CountMarker",
    "DatastoreType",
    "FeedbackChannel",
    "FieldSpec",
    "Obligation",
    "Resource",
    "ServiceRecipientType",
    "ServiceScope",
    "ServiceType",
    "StandardType",
    "TargetGroup",
    "ValueKind",
    "YesNo",
    "YesNoNA",
    "columns_of",
    "field_of",
    "fields_of",
    "is_fiscal_year",
    "is_web_address",
    "uri_scheme",
]


class Resource(enum.StrEnum):
    """The two resources of the dataset (their official ``resource_name``)."""

    SERVICE = "service"
    STANDARD = "service-std"


class Obligation(enum.StrEnum):
    """A field's obligation as the dictionary states it.

    ``CONDITIONAL`` is used where the dictionary's obligation is a sentence rather than
    Mandatory/Optional (the special remarks: mandatory when "other" applications are reported).
    Fields whose obligation is Optional but whose validation text says "required due to a response
    in a different field" keep ``OPTIONAL`` here; their conditions are rules in ``validation``.
    """

    MANDATORY = "mandatory"
    OPTIONAL = "optional"
    CONDITIONAL = "conditional"


class DatastoreType(enum.StrEnum):
    """The dictionary's ``datastore_type``; ``_text`` is a comma-separated multi-value cell."""

    TEXT = "text"
    TEXT_LIST = "_text"
    INT = "int"
    BIGINT = "bigint"
    NUMERIC = "numeric"


class ValueKind(enum.StrEnum):
    """What a cell holds, which decides the checks ``validation`` applies to it."""

    TEXT = "text"
    """Free text (names, descriptions, comments, organization title)."""
    IDENTIFIER = "identifier"
    """An identifier that page addresses carry (``service_id``, ``service_standard_id``): see
    :data:`IDENTIFIER_FORMAT` (no comma, no slash)."""
    ORGANIZATION = "organization"
    """The organization code ``owner_org`` (``aafc-aac``), which page addresses carry: see
    :data:`OWNER_ORG_FORMAT`."""
    WEB_ADDRESS = "web_address"
    """A web address (``service_uri_*`` and the two standard URLs): shown as a link only when it
    is one ``http`` or ``https`` address (:func:`is_web_address`), as text otherwise."""
    FISCAL_YEAR = "fiscal_year"
    """``YYYY-YYYY`` with consecutive years, e.g. ``2023-2024``."""
    CODE = "code"
    """One code among the field's choices."""
    CODES = "codes"
    """One or more codes among the field's choices, separated by commas."""
    PROGRAM_CODES = "program_codes"
    """One or more program codes (format checked, see :data:`PROGRAM_ID_FORMAT`)."""
    COUNT_OR_MARKER = "count_or_marker"
    """A whole number from 0 to :data:`COUNT_MAXIMUM`, ``NA`` (channel not available) or ``ND``
    (no data)."""
    COUNT = "count"
    """A whole number from 0 to :data:`COUNT_MAXIMUM` (``num_applications_total``)."""
    VOLUME = "volume"
    """Blank (no information) or a whole number from 0 to :data:`COUNT_MAXIMUM`."""
    RATIO = "ratio"
    """Blank or a decimal number between 0 and 1 with at most :data:`DECIMAL_PLACES_MAXIMUM`
    decimals (``target``)."""
    PERFORMANCE = "performance"
    """Blank or a decimal number from 0 to :data:`COUNT_MAXIMUM` with at most
    :data:`DECIMAL_PLACES_MAXIMUM` decimals (``performance``, computed)."""


class CountMarker(enum.StrEnum):
    """Non-numeric values accepted in the volume fields of the service resource."""

    NOT_APPLICABLE = "NA"
    """The channel does not exist for this service."""
    NO_DATA = "ND"
    """No data was collected for this channel."""


class ServiceType(enum.StrEnum):
    APIR = "APIR"
    CER = "CER"
    GNC = "GNC"
    INFO = "INFO"
    LRP = "LRP"
    PPI = "PPI"
    REG_VOL = "REG_VOL"
    RES = "RES"


class ServiceRecipientType(enum.StrEnum):
    CLIENT = "CLIENT"
    SOCIETY = "SOCIETY"


class ServiceScope(enum.StrEnum):
    CLUSTER = "CLUSTER"
    ENTERPRISE = "ENTERPRISE"
    EXTERN = "EXTERN"
    INTERN = "INTERN"


class TargetGroup(enum.StrEnum):
    ECONOM = "ECONOM"
    FOR = "FOR"
    INTERN_GOV = "INTERN_GOV"
    NGO = "NGO"
    PERSON = "PERSON"
    PTC = "PTC"


class Channel(enum.StrEnum):
    """Service channels (a standard's ``channel``; also the case channels of casework)."""

    EML = "EML"
    FAX = "FAX"
    ONL = "ONL"
    OTH = "OTH"
    PERSON = "PERSON"
    POST = "POST"
    TEL = "TEL"


class FeedbackChannel(enum.StrEnum):
    """``client_feedback_channel``: the channels plus ``NON`` (no feedback collected)."""

    EML = "EML"
    FAX = "FAX"
    NON = "NON"
    ONL = "ONL"
    OTH = "OTH"
    PERSON = "PERSON"
    POST = "POST"
    TEL = "TEL"


class StandardType(enum.StrEnum):
    ACS = "ACS"
    ACY = "ACY"
    OTH = "OTH"
    TML = "TML"


class YesNo(enum.StrEnum):
    NO = "N"
    YES = "Y"


class YesNoNA(enum.StrEnum):
    NO = "N"
    NOT_APPLICABLE = "NA"
    YES = "Y"


#: code -> (label_en, label_fr), in the dictionary's order.
type ChoiceLabels = Mapping[str, tuple[str, str]]


def _labels(pairs: dict[str, tuple[str, str]]) -> ChoiceLabels:
    return MappingProxyType(pairs)


_NO_CHOICES: ChoiceLabels = _labels({})

SERVICE_TYPE_CHOICES = _labels(
    {
        ServiceType.APIR: (
            "Agreements, Permissions, Inspections, Rulings",
            "Accords, autorisations, inspections, décisions",
        ),
        ServiceType.CER: ("Care, Education, Recreation", "Soins, éducation, loisirs"),
        ServiceType.GNC: ("Grants and Contributions", "Subventions et contributions"),
        ServiceType.INFO: ("Information", "Informations"),
        ServiceType.LRP: (
            "Legislation, Regulation, Policy",
            "Législation, réglementation, politique",
        ),
        ServiceType.PPI: (
            "Penalties, Protection, Intervention",
            "Pénalités, protection, interventions",
        ),
        ServiceType.REG_VOL: (
            "High Volume Regulatory Transactions",
            "Opérations réglementaires à demande élevée",
        ),
        ServiceType.RES: ("Resources", "Ressources"),
    }
)
SERVICE_RECIPIENT_TYPE_CHOICES = _labels(
    {
        ServiceRecipientType.CLIENT: (
            "Targeted, Client-based service",
            "Service ciblé axé sur les clients",
        ),
        ServiceRecipientType.SOCIETY: (
            "Untargeted, Societal-based service",
            "Service non-ciblé axé sur la société",
        ),
    }
)
SERVICE_SCOPE_CHOICES = _labels(
    {
        ServiceScope.CLUSTER: ("Internal Cluster Service", "Service cluster interne"),
        ServiceScope.ENTERPRISE: ("Internal Enterprise Service", "Service interne intégré"),
        ServiceScope.EXTERN: ("External Service", "Service externe"),
        ServiceScope.INTERN: ("Internal Service", "Service interne"),
    }
)
TARGET_GROUP_CHOICES = _labels(
    {
        TargetGroup.ECONOM: (
            "Economic Segments (Businesses)",
            "Segments économiques (entreprises)",
        ),
        TargetGroup.FOR: ("Foreign Entities", "Entités étrangères"),
        TargetGroup.INTERN_GOV: ("Internal to Government", "Interne au gouvernement"),
        TargetGroup.NGO: (
            "Non Profit Institutions and Organizations",
            "Institutions et organismes sans but lucratif",
        ),
        TargetGroup.PERSON: ("Persons", "Particuliers"),
        TargetGroup.PTC: (
            "Provinces, Territories or Communities",
            "Provinces, territoires et collectivités",
        ),
    }
)
FEEDBACK_CHANNEL_CHOICES = _labels(
    {
        FeedbackChannel.EML: ("Email", "Courriel"),
        FeedbackChannel.FAX: ("Fax", "Télécopieur"),
        FeedbackChannel.NON: ("No feedback collected", "Aucune rétroaction possible"),
        FeedbackChannel.ONL: ("Online", "En ligne"),
        FeedbackChannel.OTH: (
            "Other channel not listed",
            "Autre option qui n'est pas sur la liste",
        ),
        FeedbackChannel.PERSON: ("In-Person", "En personne"),
        FeedbackChannel.POST: ("Postal Mail", "Courrier postal"),
        FeedbackChannel.TEL: ("Telephone", "Téléphone"),
    }
)
# The standard resource spells the French "Other" label with a typographic apostrophe.
CHANNEL_CHOICES = _labels(
    {
        Channel.EML: ("Email", "Courriel"),
        Channel.FAX: ("Fax", "Télécopieur"),
        Channel.ONL: ("Online", "En ligne"),
        Channel.OTH: ("Other channel not listed", "Autre option qui n’est pas sur la liste"),
        Channel.PERSON: ("In-Person", "En personne"),
        Channel.POST: ("Postal Mail", "Courrier postal"),
        Channel.TEL: ("Telephone", "Téléphone"),
    }
)
STANDARD_TYPE_CHOICES = _labels(
    {
        StandardType.ACS: ("Access", "Accès"),
        StandardType.ACY: ("Accuracy", "Exactitude"),
        StandardType.OTH: ("Other", "Autre"),
        StandardType.TML: ("Timeliness", "Délai"),
    }
)
YES_NO_CHOICES = _labels({YesNo.NO: ("No", "Non"), YesNo.YES: ("Yes", "Oui")})
ONLINE_POINT_CHOICES = _labels(
    {
        YesNoNA.NO: (
            "No (This interaction point is applicable to the service but is not currently online)",
            "Non (Ce point d'interaction s'applique au service, mais il n'est pas en ligne "
            "présentement)",
        ),
        YesNoNA.NOT_APPLICABLE: (
            "N/A (This interaction point is not applicable to the service)",
            "S.O. (Ce point d'interaction ne s'applique pas au service)",
        ),
        YesNoNA.YES: (
            "Yes (This interaction point is applicable to the service and is online)",
            "Oui (Ce point d'interaction s'applique au service et est en ligne)",
        ),
    }
)
SIN_USAGE_CHOICES = _labels(
    {
        YesNoNA.NO: ("No", "Non"),
        YesNoNA.NOT_APPLICABLE: (
            "N/A (not a service to individuals)",
            "S.O. (N'est pas un service aux particuliers)",
        ),
        YesNoNA.YES: ("Yes", "Oui"),
    }
)
CRA_BN_CHOICES = _labels(
    {
        YesNoNA.NO: ("No", "Non"),
        YesNoNA.NOT_APPLICABLE: (
            "N/A (not a service to businesses)",
            "S.O. (N'est pas un service aux entreprises)",
        ),
        YesNoNA.YES: ("Yes", "Oui"),
    }
)
TARGET_MET_CHOICES = _labels(
    {
        YesNoNA.NO: ("No", "Non"),
        YesNoNA.NOT_APPLICABLE: ("N/A", "S.O."),
        YesNoNA.YES: ("Yes", "Oui"),
    }
)

#: Separator of the codes in a multi-value (``_text``) cell, as published: ``EML,ONL,TEL``.
MULTI_VALUE_SEPARATOR = ","

#: ``2023-2024``: four digits, a hyphen, the next year.
FISCAL_YEAR_FORMAT = re.compile(r"(?P<start>[0-9]{4})-(?P<end>[0-9]{4})")

#: A Chart of Accounts program code: three letters then two letters or digits (``BUH04``,
#: ``ISSA6``, ``BEE0A``); every code in the dictionary and the published data has this shape.
PROGRAM_ID_FORMAT = re.compile(r"[A-Z]{3}[A-Z0-9]{2}")


def is_fiscal_year(text: str) -> bool:
    """Whether ``text`` is a fiscal year written ``YYYY-YYYY`` with consecutive years."""
    match = FISCAL_YEAR_FORMAT.fullmatch(text)
    return match is not None and int(match["end"]) == int(match["start"]) + 1


#: The largest count a cell may hold: the Open Government registry stores the inventory's counts
#: as 32-bit integers (``int``), so 2,147,483,647. The published 2023-2024 data peaks at
#: 1,327,586,946 website visits; its largest standard volume is 405,565,059.
COUNT_MAXIMUM = 2_147_483_647

#: The most decimals of ``target`` and ``performance``: the published ``performance`` has 4
#: (see ``comptoir.core.performance.official``) and a target finer than the performance it is
#: compared with means nothing. Published targets have at most 3 (``0.995``, ``0.999``).
DECIMAL_PLACES_MAXIMUM = 4

#: The first fiscal year the data dictionary lists (``2005-2006``): no fiscal year, service
#: review or service improvement may start before it.
EARLIEST_FISCAL_YEAR_START = 2005

#: ``owner_org``: groups of lowercase letters or digits joined by hyphens (``aafc-aac``,
#: ``cra-arc``, ``tbs-sct``), at most 100 characters. Every published code has this shape; page
#: addresses carry it (``/organizations/<owner_org>/...``).
OWNER_ORG_FORMAT = re.compile(r"(?=.{1,100}\Z)[a-z0-9]+(?:-[a-z0-9]+)*")

#: ``service_id`` and ``service_standard_id``: letters and digits, with spaces, dots, hyphens or
#: underscores inside (``1234``, ``S-1``, and the published ``No service standard ID``), at most
#: 100 characters. No comma (the dictionary), no slash, ``?``, ``#``, ``%`` or control character.
IDENTIFIER_FORMAT = re.compile(r"(?=.{1,100}\Z)[A-Za-z0-9](?:[A-Za-z0-9 ._-]*[A-Za-z0-9])?")

#: The cells that identify a row and that page addresses carry, per resource. A row whose key is
#: malformed cannot be stored (a lenient import reports it and leaves it out).
KEY_FIELDS: Mapping[Resource, tuple[str, ...]] = MappingProxyType(
    {
        Resource.SERVICE: ("fiscal_yr", "service_id", "owner_org"),
        Resource.STANDARD: ("fiscal_yr", "service_id", "service_standard_id", "owner_org"),
    }
)

#: URI schemes a browser runs or reads locally when a link is followed: a cell using one is
#: refused, not merely shown as text.
UNSAFE_URI_SCHEMES = frozenset({"javascript", "vbscript", "data", "file", "blob"})

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# What browsers ignore in an address (the WHATWG URL parser): C0 controls and spaces around it,
# tabs and line breaks anywhere ("java\tscript:" is "javascript:").
_C0_CONTROLS_AND_SPACE = "".join(chr(code) for code in range(0x21))
_IGNORED_BY_BROWSERS = re.compile(r"[\t\n\r]")
_WEB_ADDRESS = re.compile(
    r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?(?:[/?#]\S*)?",
    re.IGNORECASE,
)


def uri_scheme(text: str) -> str | None:
    """The scheme of ``text`` as a browser would read it (lowercase), or ``None``."""
    cleaned = _IGNORED_BY_BROWSERS.sub("", text).strip(_C0_CONTROLS_AND_SPACE)
    match = _SCHEME.match(cleaned)
    return match[1].lower() if match else None


def is_web_address(text: str) -> bool:
    """Whether ``text`` is exactly one ``http`` or ``https`` address with a host name (the only
    cells shown as links); surrounding spaces are ignored, spaces inside are not."""
    return _WEB_ADDRESS.fullmatch(text.strip()) is not None


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field (column) of a resource, as the data dictionary defines it."""

    id: str
    resource: Resource
    label_en: str
    label_fr: str
    obligation: Obligation
    datastore_type: DatastoreType
    kind: ValueKind
    character_limit: int | None = None
    #: code -> (label_en, label_fr), official order; empty for fields without controlled choices.
    choices: ChoiceLabels = field(default=_NO_CHOICES, hash=False)

    @property
    def is_multi(self) -> bool:
        """Whether the datastore type is the multi-value ``_text`` (comma-separated)."""
        return self.datastore_type is DatastoreType.TEXT_LIST

    @property
    def is_mandatory(self) -> bool:
        return self.obligation is Obligation.MANDATORY


def _field(
    resource: Resource,
    field_id: str,
    label_en: str,
    label_fr: str,
    obligation: Obligation,
    datastore_type: DatastoreType,
    kind: ValueKind,
    *,
    limit: int | None = None,
    choices: ChoiceLabels = _NO_CHOICES,
) -> FieldSpec:
    return FieldSpec(
        id=field_id,
        resource=resource,
        label_en=label_en,
        label_fr=label_fr,
        obligation=obligation,
        datastore_type=datastore_type,
        kind=kind,
        character_limit=limit,
        choices=choices,
    )


_S = Resource.SERVICE
_T = Resource.STANDARD
_M = Obligation.MANDATORY
_O = Obligation.OPTIONAL
_C = Obligation.CONDITIONAL
_TEXT = DatastoreType.TEXT
_LIST = DatastoreType.TEXT_LIST


def _service_volume(field_id: str, label_en: str, label_fr: str) -> FieldSpec:
    return _field(_S, field_id, label_en, label_fr, _M, _TEXT, ValueKind.COUNT_OR_MARKER)


def _online_point(field_id: str, label_en: str, label_fr: str) -> FieldSpec:
    return _field(
        _S, field_id, label_en, label_fr, _M, _TEXT, ValueKind.CODE, choices=ONLINE_POINT_CHOICES
    )


#: The 46 fields of ``service.csv``, in the published column order.
SERVICE_FIELDS: tuple[FieldSpec, ...] = (
    _field(_S, "fiscal_yr", "Fiscal Year", "Exercice financier", _M, _TEXT, ValueKind.FISCAL_YEAR),
    _field(
        _S,
        "service_id",
        "Service ID Number",
        "Numéro d'identification du service",
        _M,
        _TEXT,
        ValueKind.IDENTIFIER,
    ),
    _field(
        _S,
        "service_name_en",
        "Service Name (English)",
        "Nom du service (anglais)",
        _M,
        _TEXT,
        ValueKind.TEXT,
        limit=350,
    ),
    _field(
        _S,
        "service_name_fr",
        "Service Name (French)",
        "Nom du service (français)",
        _M,
        _TEXT,
        ValueKind.TEXT,
        limit=350,
    ),
    _field(
        _S,
        "service_description_en",
        "Service Description (English)",
        "Description du service (anglais)",
        _M,
        _TEXT,
        ValueKind.TEXT,
        limit=1800,
    ),
    _field(
        _S,
        "service_description_fr",
        "Service Description (French)",
        "Description du service (français)",
        _M,
        _TEXT,
        ValueKind.TEXT,
        limit=1800,
    ),
    _field(
        _S,
        "service_type",
        "Service Type",
        "Type de service",
        _M,
        _LIST,
        ValueKind.CODES,
        choices=SERVICE_TYPE_CHOICES,
    ),
    _field(
        _S,
        "service_recipient_type",
        "Service Recipient Type",
        "Type de bénéficiaire du service",
        _M,
        _TEXT,
        ValueKind.CODE,
        choices=SERVICE_RECIPIENT_TYPE_CHOICES,
    ),
    _field(
        _S,
        "service_scope",
        "Service Scope",
        "Étendue du service",
        _M,
        _LIST,
        ValueKind.CODES,
        choices=SERVICE_SCOPE_CHOICES,
    ),
    _field(
        _S,
        "client_target_groups",
        "Client/Target Groups",
        "Clients/groupes cibles",
        _M,
        _LIST,
        ValueKind.CODES,
        choices=TARGET_GROUP_CHOICES,
    ),
    _field(
        _S,
        "program_id",
        "Program ID Code",
        "Code d'identification du programme",
        _M,
        _LIST,
        ValueKind.PROGRAM_CODES,
    ),
    _field(
        _S,
        "program_name_en",
        "Program Name (English)",
        "Désignation du programme (anglais)",
        _M,
        _LIST,
        ValueKind.TEXT,
    ),
    _field(
        _S,
        "program_name_fr",
        "Program Name (French)",
        "Désignation du programme (français)",
        _M,
        _LIST,
        ValueKind.TEXT,
    ),
    _field(
        _S,
        "client_feedback_channel",
        "Client Feedback, by Channel",
        "Commentaires des clients, par canal",
        _M,
        _LIST,
        ValueKind.CODES,
        choices=FEEDBACK_CHANNEL_CHOICES,
    ),
    _field(
        _S,
        "automated_decision_system",
        "Automated Decision System",
        "Système décisionnel automatisé",
        _M,
        _TEXT,
        ValueKind.CODE,
        choices=YES_NO_CHOICES,
    ),
    _field(
        _S,
        "automated_decision_system_description_en",
        "Automated Decision System Description (English)",
        "Description du système décisionnel automatisé (anglais)",
        _O,
        _TEXT,
        ValueKind.TEXT,
        limit=1800,
    ),
    _field(
        _S,
        "automated_decision_system_description_fr",
        "Automated Decision System Description (French)",
        "Description du système décisionnel automatisé (français)",
        _O,
        _TEXT,
        ValueKind.TEXT,
        limit=1800,
    ),
    _field(
        _S,
        "service_fee",
        "Service Fees",
        "Frais de service",
        _M,
        _TEXT,
        ValueKind.CODE,
        choices=YES_NO_CHOICES,
    ),
    _online_point(
        "os_account_registration",
        "Online Services: Account Registration/Enrollment",
        "Services en ligne : Enregistrement/inscription du compte",
    ),
    _online_point(
        "os_authentication",
        "Online Services: Authentication",
        "Services en ligne : Authentification",
    ),
    _online_point(
        "os_application",
        "Online Services: Application",
        "Services en ligne : Demande",
    ),
    _online_point(
        "os_decision",
        "Online Services: Decision",
        "Services en ligne : Décision",
    ),
    _online_point(
        "os_issuance",
        "Online Services: Issuance",
        "Services en ligne : Émission",
    ),
    _online_point(
        "os_issue_resolution_feedback",
        "Online Services: Issue Resolution and Feedback",
        "Services en ligne : Solution de problème et rétroaction",
    ),
    _field(
        _S,
        "os_comments_client_interaction_en",
        "Comments on Online Services - Client Interaction Points (English)",
        "Commentaires sur les services électroniques - points d'interaction avec les clients "
        "(anglais)",
        _O,
        _TEXT,
        ValueKind.TEXT,
        limit=1000,
    ),
    _field(
        _S,
        "os_comments_client_interaction_fr",
        "Comments on Online Services - Client Interaction Points (French)",
        "Commentaires sur les services électroniques - points d'interaction avec les clients "
        "(français)",
        _O,
        _TEXT,
        ValueKind.TEXT,
        limit=1000,
    ),
    _field(
        _S,
        "last_service_review",
        "Year of last service review",
        "Année du dernier examen de service",
        _O,
        _TEXT,
        ValueKind.FISCAL_YEAR,
    ),
    _field(
        _S,
        "last_service_improvement",
        "Year of last service improvement based on client feedback",
        "Année de la dernière amélioration du service sur la base de la rétroaction du client",
        _O,
        _TEXT,
        ValueKind.FISCAL_YEAR,
    ),
    _field(
        _S,
        "sin_usage",
        "Use of Social Insurance Number",
        "Utilisation du numéro d'assurance sociale (NAS)",
        _M,
        _TEXT,
        ValueKind.CODE,
        choices=SIN_USAGE_CHOICES,
    ),
    _field(
        _S,
        "cra_bn_identifier_usage",
        "Use of CRA Business Number as Standard Identifier",
        "Utilisation du numéro d’entreprise de l’ARC en tant qu’identificateur standard",
        _M,
        _TEXT,
        ValueKind.CODE,
        choices=CRA_BN_CHOICES,
    ),
    _service_volume(
        "num_phone_enquiries",
        "Number of Telephone Enquiries Received",
        "Nombre de demandes de renseignements reçues par telephone",
    ),
    _service_volume(
        "num_applications_by_phone",
        "Number of Applications Submitted by Telephone",
        "Nombre de demandes soumises par téléphone",
    ),
    _service_volume(
        "num_website_visits",
        "Number of Website Visits",
        "Nombre de visites sur le site Web",
    ),
    _service_volume(
        "num_applications_online",
        "Number of Applications Submitted Online",
        "Nombre de demandes soumises en ligne",
    ),
    _service_volume(
        "num_applications_in_person",
        "Number of Applications Submitted In-Person",
        "Nombre de demandes soumises en personne",
    ),
    _service_volume(
        "num_applications_by_mail",
        "Number of Applications Submitted via Postal Mail",
        "Nombre de demandes soumises par la poste",
    ),
    _service_volume(
        "num_applications_by_email",
        "Number of Applications Submitted by Email",
        "Nombre de demandes soumises par courriel",
    ),
    _service_volume(
        "num_applications_by_fax",
        "Number of Applications Submitted by Fax",
        "Nombre de demandes soumises par fax",
    ),
    _service_volume(
        "num_applications_by_other",
        "Number of Applications Submitted via other channels",
        "Nombre de demandes soumises par les autre modes de prestations",
    ),
    _field(
        _S,
        "num_applications_total",
        "Total Number of Applications",
        "Nombre total de demandes soumises",
        _M,
        DatastoreType.INT,
        ValueKind.COUNT,
    ),
    _field(
        _S,
        "special_remarks_en",
        "Special Remarks (English)",
        "Remarques spéciales (anglais)",
        _C,
        _TEXT,
        ValueKind.TEXT,
        limit=2000,
    ),
    _field(
        _S,
        "special_remarks_fr",
        "Special Remarks (French)",
        "Remarques spéciales (français)",
        _C,
        _TEXT,
        ValueKind.TEXT,
        limit=2000,
    ),
    _field(
        _S,
        "service_uri_en",
        "URL to Service (English)",
        "URL du service (anglais)",
        _O,
        _TEXT,
        ValueKind.WEB_ADDRESS,
        limit=1500,
    ),
    _field(
        _S,
        "service_uri_fr",
        "URL to Service (French)",
        "URL du service (français)",
        _O,
        _TEXT,
        ValueKind.WEB_ADDRESS,
        limit=1500,
    ),
    _field(_S, "owner_org", "Department ID", "ID du ministère", _M, _TEXT, ValueKind.ORGANIZATION),
    _field(_S, "owner_org_title", "Department Name", "Nom du ministère", _M, _TEXT, ValueKind.TEXT),
)

#: The 24 fields of ``service-std.csv``, in the published column order.
STANDARD_FIELDS: tuple[FieldSpec, ...] = (
    _field(_T, "fiscal_yr", "Fiscal Year", "Exercice financier", _M, _TEXT, ValueKind.FISCAL_YEAR),
    _field(
        _T,
        "service_id",
        "Service ID Number",
        "Numéro d'identification du service",
        _M,
        _TEXT,
        ValueKind.IDENTIFIER,
    ),
    _field(
        _T,
        "service_name_en",
        "Service Name (English)",
        "Nom du service (anglais)",
        _M,
        _TEXT,
        ValueKind.TEXT,
        limit=350,
    ),
    _field(
        _T,
        "service_name_fr",
        "Service Name (French)",
        "Nom du service (français)",
        _M,
        _TEXT,
        ValueKind.TEXT,
        limit=350,
    ),
    _field(
        _T,
        "service_standard_id",
        "Service Standard ID",
        "Numéro d'identification de la norme relative aux services",
        _M,
        _TEXT,
        ValueKind.IDENTIFIER,
    ),
    _field(
        _T,
        "service_standard_en",
        "Service Standard (English)",
        "Norme relative aux services (anglais)",
        _M,
        _TEXT,
        ValueKind.TEXT,
        limit=500,
    ),
    _field(
        _T,
        "service_standard_fr",
        "Service Standard (French)",
        "Norme relative aux services (français)",
        _M,
        _TEXT,
        ValueKind.TEXT,
        limit=500,
    ),
    _field(
        _T,
        "type",
        "Service Standard Type",
        "Type de norme relative aux services",
        _M,
        _TEXT,
        ValueKind.CODE,
        choices=STANDARD_TYPE_CHOICES,
    ),
    _field(
        _T,
        "channel",
        "Service Standard Channel",
        "Mode de prestation de la norme de service",
        _M,
        _TEXT,
        ValueKind.CODE,
        choices=CHANNEL_CHOICES,
    ),
    _field(
        _T,
        "channel_comments_en",
        "Comments on the service standard channel (English)",
        "Commentaires sur le mode de prestation de la norme de service (anglais)",
        _O,
        _TEXT,
        ValueKind.TEXT,
        limit=1500,
    ),
    _field(
        _T,
        "channel_comments_fr",
        "Comments on the service standard channel (French)",
        "Commentaires sur le mode de prestation de la norme de service (Francais)",
        _O,
        _TEXT,
        ValueKind.TEXT,
        limit=1500,
    ),
    _field(
        _T,
        "target",
        "Service Standard Target",
        "Cible de la norme relative aux services",
        _O,
        DatastoreType.NUMERIC,
        ValueKind.RATIO,
    ),
    _field(
        _T,
        "volume_meeting_target",
        "Business Volume That Met Service Standard Target",
        "Volume d'activités qui respectent la norme de service",
        _O,
        DatastoreType.BIGINT,
        ValueKind.VOLUME,
    ),
    _field(
        _T,
        "total_volume",
        "Total Volume",
        "Volumes totaux",
        _O,
        DatastoreType.BIGINT,
        ValueKind.VOLUME,
    ),
    _field(
        _T,
        "performance",
        "Performance",
        "Performance",
        _O,
        DatastoreType.NUMERIC,
        ValueKind.PERFORMANCE,
    ),
    _field(
        _T,
        "comments_en",
        "Comments on the service standard in general (English)",
        "Commentaires sur la norme de service en général (anglais)",
        _O,
        _TEXT,
        ValueKind.TEXT,
        limit=2000,
    ),
    _field(
        _T,
        "comments_fr",
        "Comments on the service standard in general (French)",
        "Commentaires sur la norme de service en général (français)",
        _O,
        _TEXT,
        ValueKind.TEXT,
        limit=2000,
    ),
    _field(
        _T,
        "target_met",
        "Was the target met",
        "La cible était-elle atteinte",
        _M,
        _TEXT,
        ValueKind.CODE,
        choices=TARGET_MET_CHOICES,
    ),
    _field(
        _T,
        "standards_targets_uri_en",
        "URL to Service Standards and Targets (English)",
        "URL vers les normes de service et les cibles (anglais)",
        _M,
        _TEXT,
        ValueKind.WEB_ADDRESS,
        limit=1500,
    ),
    _field(
        _T,
        "standards_targets_uri_fr",
        "URL to Service Standards and Targets (French)",
        "URL vers les normes de service et les cibles (français)",
        _M,
        _TEXT,
        ValueKind.WEB_ADDRESS,
        limit=1500,
    ),
    _field(
        _T,
        "performance_results_uri_en",
        "URL to Real-Time Performance Results (English)",
        "URL aux résultats de rendement en temps réel (anglais)",
        _O,
        _TEXT,
        ValueKind.WEB_ADDRESS,
        limit=1500,
    ),
    _field(
        _T,
        "performance_results_uri_fr",
        "URL to Real-Time Performance Results (French)",
        "URL aux résultats de rendement en temps réel (français)",
        _O,
        _TEXT,
        ValueKind.WEB_ADDRESS,
        limit=1500,
    ),
    _field(_T, "owner_org", "Department ID", "ID du ministère", _M, _TEXT, ValueKind.ORGANIZATION),
    _field(_T, "owner_org_title", "Department Name", "Nom du ministère", _M, _TEXT, ValueKind.TEXT),
)

#: Column names of ``service.csv`` in the official order.
SERVICE_COLUMNS: tuple[str, ...] = tuple(spec.id for spec in SERVICE_FIELDS)
#: Column names of ``service-std.csv`` in the official order.
STANDARD_COLUMNS: tuple[str, ...] = tuple(spec.id for spec in STANDARD_FIELDS)

_BY_ID: Mapping[Resource, Mapping[str, FieldSpec]] = MappingProxyType(
    {
        Resource.SERVICE: MappingProxyType({spec.id: spec for spec in SERVICE_FIELDS}),
        Resource.STANDARD: MappingProxyType({spec.id: spec for spec in STANDARD_FIELDS}),
    }
)

#: The six online client interaction points (Guideline §2.9.4), in column order.
ONLINE_POINT_FIELDS: tuple[str, ...] = (
    "os_account_registration",
    "os_authentication",
    "os_application",
    "os_decision",
    "os_issuance",
    "os_issue_resolution_feedback",
)

#: The seven application channels whose sum is ``num_applications_total`` (phone enquiries and
#: website visits are not applications).
APPLICATION_CHANNEL_FIELDS: tuple[str, ...] = (
    "num_applications_by_phone",
    "num_applications_online",
    "num_applications_in_person",
    "num_applications_by_mail",
    "num_applications_by_email",
    "num_applications_by_fax",
    "num_applications_by_other",
)


def fields_of(resource: Resource) -> tuple[FieldSpec, ...]:
    """The fields of ``resource`` in the official column order."""
    return SERVICE_FIELDS if resource is Resource.SERVICE else STANDARD_FIELDS


def columns_of(resource: Resource) -> tuple[str, ...]:
    """The column names of ``resource`` in the official order."""
    return SERVICE_COLUMNS if resource is Resource.SERVICE else STANDARD_COLUMNS


def field_of(resource: Resource, field_id: str) -> FieldSpec:
    """The field ``field_id`` of ``resource``; ``KeyError`` when there is none."""
    return _BY_ID[resource][field_id]


#: The fields holding web addresses, per resource (only ``http``/``https`` ones become links).
WEB_ADDRESS_FIELDS: Mapping[Resource, tuple[str, ...]] = MappingProxyType(
    {
        resource: tuple(
            spec.id for spec in fields_of(resource) if spec.kind is ValueKind.WEB_ADDRESS
        )
        for resource in Resource
    }
)
