"""Normalisation of a client's names and contact points for comparison (docs/matching.md).

Every function is pure and idempotent on its own output's text (``fold(fold(x)) == fold(x)``,
``normalize_email(normalize_email(x)) == normalize_email(x)``...). A value that cannot be read
(an email without ``@``, a phone number that cannot be one, a postal code outside the Canadian
pattern) normalises to ``None`` or ``""``: matching treats it as missing, it never raises.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

import phonenumbers

#: The region of a phone number written without a country code.
DEFAULT_PHONE_REGION = "CA"

# ---------------------------------------------------------------------------------------------
# Text

#: Letters that NFKD does not decompose, written as Canadian records write them without accents.
_LETTERS = str.maketrans(
    {
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ı": "i",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
    }
)
_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower case, no accents (NFKD then combining marks dropped), ``œ`` → ``oe``, spaces
    collapsed: ``"  Gagné  Émilie"`` → ``"gagne emilie"``; punctuation is kept."""
    if text.isascii():
        # The same result, faster: NFKD leaves ASCII as it is, casefold is lower, and the
        # only ASCII letter of _LETTERS is the backquote.
        return _SPACES.sub(" ", text.lower().replace("`", "'")).strip()
    value = _fold_once(text)
    if value.isascii():  # the usual case (accented Latin letters): the ASCII path finishes it
        return fold(value)
    while True:  # casefolding can give marks, and NFKD capitals ("ℌ"): to a fixed point
        again = _fold_once(value)
        if again == value:
            return _SPACES.sub(" ", value).strip()
        value = again


def _fold_once(text: str) -> str:
    folded = text.casefold()
    if _HAS_LETTERS.search(folded):  # str.translate is slow on non-ASCII text: only if needed
        folded = folded.translate(_LETTERS)
    decomposed = unicodedata.normalize("NFKD", folded)
    return _NOT_ASCII.sub(_without_mark, decomposed)  # marks are never ASCII


def _without_mark(found: re.Match[str]) -> str:
    return "" if unicodedata.combining(found.group()) else found.group()


_HAS_LETTERS = re.compile("[œŒæÆøØłŁđĐı’‘ʼ`´]")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def words(text: str) -> tuple[str, ...]:
    """The folded words of a text, punctuation read as a space (``"Côte-des-Neiges"`` →
    ``("cote", "des", "neiges")``); an apostrophe joins (``"O'Brien"`` → ``("obrien",)``) except
    after an elided ``d'`` or ``l'``, which stays a word of its own (``"D'Amours"`` →
    ``("d", "amours")``)."""
    folded = _ELISION.sub(r"\1 ", fold(text)).replace("'", "")
    return tuple(word for word in _NOT_WORD.split(folded) if word)


_ELISION = re.compile(r"(?<![^\W_])([dl])'")

# ---------------------------------------------------------------------------------------------
# Person names

#: Family-name particles, French and English (``de la``, ``van der`` are two of them).
PARTICLES = frozenset(
    {"de", "du", "des", "d", "la", "le", "les", "l", "van", "von", "der", "den", "ter", "ten"}
    | {"di", "da", "del", "della", "dos", "das"}
)
#: Saint and Sainte, however abbreviated.
_SAINTS = {"st": "saint", "saint": "saint", "ste": "sainte", "sainte": "sainte"}
_VOWELS = frozenset("aeiouy")


def _saint(word: str) -> str:
    return _SAINTS.get(word, word)


def _mac(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """``Mc`` read as ``Mac``, and a detached ``Mac``/``Mc`` joined to what follows:
    ``McDonald``, ``Mc Donald``, ``Mac Donald`` and ``MacDonald`` all become ``macdonald``."""
    out: list[str] = []
    pending = False
    for token in tokens:
        if token in ("mac", "mc"):
            pending = True
            continue
        if token.startswith("mc") and len(token) > 2:
            token = "mac" + token[2:]
        out.append("mac" + token if pending and not token.startswith("mac") else token)
        pending = False
    if pending:
        out.append("mac")
    return tuple(out)


@dataclass(frozen=True)
class FamilyName:
    """A family name normalised: ``"de la Fontaine"`` → tokens ``("de", "la", "fontaine")``,
    ``compact`` ``"delafontaine"`` (so that ``"Delafontaine"`` is the same), ``core``
    ``"fontaine"`` (particles dropped, so that ``"Fontaine"`` is equivalent)."""

    tokens: tuple[str, ...]
    compact: str
    core: str
    #: The names of a double-barrelled name taken one by one (``"Dion-Lachance"`` → ``dion``,
    #: ``lachance``), particles dropped: a married or a changed name keeps one of them.
    parts: frozenset[str]


def normalize_family_name(text: str) -> FamilyName:
    tokens = _mac(tuple(_saint(word) for word in words(text)))
    kept = tuple(token for token in tokens if token not in PARTICLES) or tokens
    parts: list[str] = []
    for token in kept:  # "St-Pierre" is one name, not two
        if parts and parts[-1] in ("saint", "sainte"):
            parts[-1] += token
        else:
            parts.append(token)
    return FamilyName(
        tokens=tokens,
        compact="".join(tokens),
        core="".join(kept),
        parts=frozenset(parts) if len(parts) > 1 else frozenset(),
    )


@dataclass(frozen=True)
class GivenName:
    """A given name normalised: ``"Jean-François"`` and ``"Jean François"`` → tokens ``("jean",
    "francois")``, ``compact`` ``"jeanfrancois"``, ``initials`` ``"jf"``; ``"JF"``, ``"J.-F."``
    and ``"J. F."`` → tokens ``("j", "f")`` with ``is_initials``."""

    tokens: tuple[str, ...]
    compact: str
    initials: str
    is_initials: bool


def _initial_tokens(word: str) -> tuple[str, ...]:
    # A word of two letters and no vowel is two initials ("JF", "JP", "MJ").
    if len(word) == 2 and word.isalpha() and not (set(word) & _VOWELS):
        return (word[0], word[1])
    return (word,)


def normalize_given_name(text: str) -> GivenName:
    tokens = tuple(part for word in words(text) for part in _initial_tokens(word))
    return GivenName(
        tokens=tokens,
        compact="".join(tokens),
        initials="".join(token[0] for token in tokens),
        is_initials=bool(tokens) and all(len(token) == 1 for token in tokens),
    )


@cache
def _formal_names() -> Mapping[str, frozenset[str]]:
    """Each name of ``nicknames.csv`` → the formal names it stands for (itself included)."""
    text = resources.files(__package__).joinpath("nicknames.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    formal: dict[str, set[str]] = {}
    for row in csv.DictReader(lines):
        name, canonical = fold(row["name"]), fold(row["formal"])
        formal.setdefault(name, {name}).add(canonical)
        formal.setdefault(canonical, {canonical})
    return {name: frozenset(names) for name, names in formal.items()}


def formal_names(name: str) -> frozenset[str]:
    """The formal names a folded given name stands for: ``"bill"`` → ``{"bill", "william"}``,
    ``"guillaume"`` → ``{"guillaume", "william"}``; a name the list does not know → itself."""
    return _formal_names().get(name, frozenset({name}))


def names_equivalent(left: str, right: str) -> bool:
    """Whether two folded given names (one word each) are equal or share a formal name."""
    return left == right or bool(formal_names(left) & formal_names(right))


# ---------------------------------------------------------------------------------------------
# Organization names

#: Legal forms, as word sequences after folding and dropping dots (``"S.E.N.C."`` → ``senc``),
#: mapped to a stable code. Removed from the name for comparison; kept as ``legal_forms``.
LEGAL_FORMS: Mapping[tuple[str, ...], str] = {
    ("inc",): "inc",
    ("incorporated",): "inc",
    ("incorporee",): "inc",
    ("incorpore",): "inc",
    ("ltd",): "ltd",
    ("limited",): "ltd",
    ("ltee",): "ltd",
    ("limitee",): "ltd",
    ("corp",): "corp",
    ("corporation",): "corp",
    ("co",): "co",
    ("company",): "co",
    ("cie",): "co",
    ("compagnie",): "co",
    ("senc",): "senc",
    ("societe", "en", "nom", "collectif"): "senc",
    ("sencrl",): "llp",
    ("llp",): "llp",
    ("srl",): "llp",
    ("limited", "liability", "partnership"): "llp",
    ("llc",): "llc",
    ("ulc",): "ulc",
    ("lp",): "lp",
    ("sec",): "lp",
    ("&", "associates"): "associates",
    ("&", "associes"): "associates",
    ("&", "associees"): "associates",
}
_LONGEST_FORM = max(len(form) for form in LEGAL_FORMS)
_AND = frozenset({"and", "et", "&"})
_ORGANIZATION_WORD = re.compile(r"[^\W_]+|&")


@dataclass(frozen=True)
class OrganizationName:
    """``"Services conseils Boréal inc."`` → name ``"services conseils boreal"``, legal forms
    ``("inc",)``; ``"Côté et Frères"`` and ``"Côté & Frères"`` → ``"cote & freres"``."""

    name: str
    legal_forms: tuple[str, ...]

    @property
    def sorted_name(self) -> str:
        """The name's words in alphabetical order (word order differs between the languages)."""
        return " ".join(sorted(self.name.split()))


def normalize_organization_name(text: str) -> OrganizationName:
    folded = _ELISION.sub(r"\1 ", fold(text)).replace("'", "").replace(".", "")
    tokens = ["&" if token in _AND else token for token in _ORGANIZATION_WORD.findall(folded)]
    if tokens and tokens[0] == "the" and len(tokens) > 1:
        tokens = tokens[1:]
    forms: list[str] = []
    found = True
    while found:
        found = False
        for size in range(min(_LONGEST_FORM, len(tokens) - 1), 0, -1):
            form = LEGAL_FORMS.get(tuple(tokens[-size:]))
            if form is not None:
                forms.insert(0, form)
                tokens = tokens[:-size]
                found = True
                break
    while tokens and tokens[-1] == "&":
        tokens.pop()
    return OrganizationName(name=" ".join(tokens), legal_forms=tuple(forms))


# ---------------------------------------------------------------------------------------------
# Emails and phones

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: Google's mail ignores dots in the local part and everything after a ``+``.
GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def normalize_email(text: str) -> str | None:
    """Trimmed and lower-cased (``mailto:`` dropped); ``None`` when it is not an address.

    Dots and ``+tags`` are kept: only Gmail is known to ignore them, so for ``gmail.com`` and
    ``googlemail.com`` (one mailbox) the dots and the tag are dropped and the domain is
    ``gmail.com``: ``"Jean.Roy+impots@googlemail.com"`` → ``"jeanroy@gmail.com"``."""
    value = text.strip().lower()
    value = value.removeprefix("mailto:")
    if not _EMAIL.match(value):
        return None
    local, domain = value.rsplit("@", 1)
    if domain in GMAIL_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
        if not local:
            return None
        domain = "gmail.com"
    return f"{local}@{domain}"


#: An extension at the end of a phone number, in English or French ("x 12", "ext. 12",
#: "poste 12", "p. 12").
_EXTENSION = re.compile(r"(?i)[\s,;]*(?:ext\.?|extension|x|poste|p\.)\s*\d+\s*$")


#: A ten-digit North American number (area code and exchange), perhaps after ``1`` or ``+1``.
_NANP = re.compile(r"^(?:\+?1[ .-]?)?\(?([2-9][0-9]{2})\)?[ .-]?([0-9]{3})[ .-]?([0-9]{4})$")
_NANP_REGIONS = frozenset({"CA", "US"})


def normalize_phone(text: str, region: str = DEFAULT_PHONE_REGION) -> str | None:
    """E.164 (``"(613) 555-0100 poste 22"`` → ``"+16135550100"``: the extension is dropped); a
    number without a country code is read in ``region``; ``None`` when it cannot be a number."""
    value = _EXTENSION.sub("", text.strip())
    if not value:
        return None
    if region in _NANP_REGIONS:
        # The usual North American shapes ("613-555-0100", "(613) 555-0100", "+1 613 555 0100")
        # without the parser, which takes most of a bulk scan's reading time; the result is
        # the parser's (a property test holds them equal).
        usual = _NANP.match(value)
        if usual:
            return "+1" + "".join(usual.groups())
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# ---------------------------------------------------------------------------------------------
# Postal codes

_POSTAL_CODE = re.compile(r"^[A-Z][0-9][A-Z][0-9][A-Z][0-9]$")
#: Letters Canada Post never uses, anywhere; W and Z are never first.
POSTAL_CODE_LETTERS_NEVER_USED = frozenset("DFIOQU")
POSTAL_CODE_FIRST_LETTERS_NEVER_USED = frozenset("WZ")
#: The province or territory of each first letter of a postal code (X is shared by the
#: Northwest Territories and Nunavut).
POSTAL_CODE_PROVINCES: Mapping[str, frozenset[str]] = {
    "A": frozenset({"NL"}),
    "B": frozenset({"NS"}),
    "C": frozenset({"PE"}),
    "E": frozenset({"NB"}),
    "G": frozenset({"QC"}),
    "H": frozenset({"QC"}),
    "J": frozenset({"QC"}),
    "K": frozenset({"ON"}),
    "L": frozenset({"ON"}),
    "M": frozenset({"ON"}),
    "N": frozenset({"ON"}),
    "P": frozenset({"ON"}),
    "R": frozenset({"MB"}),
    "S": frozenset({"SK"}),
    "T": frozenset({"AB"}),
    "V": frozenset({"BC"}),
    "X": frozenset({"NT", "NU"}),
    "Y": frozenset({"YT"}),
}


def normalize_postal_code(text: str) -> str | None:
    """A Canadian postal code as Canada Post writes it (``"k1a0b1"`` → ``"K1A 0B1"``), or
    ``None`` when it does not follow ``A9A 9A9`` with the letters Canada Post uses."""
    compact = _SPACES.sub("", text).replace("-", "").upper()
    if not _POSTAL_CODE.match(compact):
        return None
    letters = set(compact[0::2])
    if letters & POSTAL_CODE_LETTERS_NEVER_USED or compact[0] in (
        POSTAL_CODE_FIRST_LETTERS_NEVER_USED
    ):
        return None
    return f"{compact[:3]} {compact[3:]}"


def forward_sortation_area(postal_code: str) -> str:
    """The first three characters of a normalised postal code (``"K1A 0B1"`` → ``"K1A"``)."""
    return postal_code[:3]


def province_of_postal_code(postal_code: str) -> frozenset[str]:
    """The provinces or territories a normalised postal code can be in (empty if none)."""
    return POSTAL_CODE_PROVINCES.get(postal_code[:1], frozenset())


# ---------------------------------------------------------------------------------------------
# Streets

#: Street types in both languages → one code (a French and an English name of the same street
#: compare equal: ``rue Main`` is ``Main Street``, ``chemin de Montréal`` is ``Montreal Road``).
STREET_TYPES: Mapping[str, str] = {
    **dict.fromkeys(("street", "st", "str", "rue", "r"), "street"),
    **dict.fromkeys(("avenue", "ave", "av"), "avenue"),
    **dict.fromkeys(("boulevard", "boul", "blvd", "bd", "boulv"), "boulevard"),
    **dict.fromkeys(("chemin", "ch", "road", "rd"), "road"),
    **dict.fromkeys(("drive", "dr", "promenade", "prom"), "drive"),
    **dict.fromkeys(("route", "rte", "highway", "hwy"), "route"),
    **dict.fromkeys(("place", "pl"), "place"),
    **dict.fromkeys(("crescent", "cres", "cr", "croissant", "crois"), "crescent"),
    **dict.fromkeys(("court", "crt", "ct", "cour"), "court"),
    **dict.fromkeys(("lane", "ln", "ruelle"), "lane"),
    **dict.fromkeys(("way",), "way"),
    **dict.fromkeys(("terrace", "terr", "terrasse"), "terrace"),
    **dict.fromkeys(("parkway", "pkwy"), "parkway"),
    **dict.fromkeys(("montee", "mtee"), "montee"),
    **dict.fromkeys(("rang",), "rang"),
    **dict.fromkeys(("allee",), "allee"),
    **dict.fromkeys(("impasse", "imp"), "impasse"),
    **dict.fromkeys(("square", "sq"), "square"),
    **dict.fromkeys(("circle", "circ", "cercle"), "circle"),
}
#: Types written before the name (French usage: ``rue Principale``, ``boul. Saint-Laurent``);
#: ``st`` is not one of them (before a name it is Saint).
LEADING_STREET_TYPES = frozenset(
    {"rue", "r", "avenue", "av", "ave", "boulevard", "boul", "bd", "boulv", "chemin", "ch"}
    | {"route", "rte", "place", "pl", "croissant", "crois", "cour", "ruelle", "terrasse"}
    | {"promenade", "prom", "montee", "mtee", "rang", "allee", "impasse", "imp", "cercle"}
)
#: Directions in both languages → one letter (French ``Ouest`` and ``O`` are W).
DIRECTIONS: Mapping[str, str] = {
    **dict.fromkeys(("north", "nord", "n"), "n"),
    **dict.fromkeys(("south", "sud", "s"), "s"),
    **dict.fromkeys(("east", "est", "e"), "e"),
    **dict.fromkeys(("west", "ouest", "o", "w"), "w"),
    **dict.fromkeys(("northeast", "nordest", "ne"), "ne"),
    **dict.fromkeys(("northwest", "nordouest", "nw", "no"), "nw"),
    **dict.fromkeys(("southeast", "sudest", "se"), "se"),
    **dict.fromkeys(("southwest", "sudouest", "sw", "so"), "sw"),
}
#: Words that mark a unit: apartment, suite, unit, office.
_UNIT = re.compile(
    r"(?:^|[\s,])(?:appartement|apartment|appt|app|apt|suite|unite|unit|bureau|local|#)"
    r"\s*\.?\s*#?\s*([a-z0-9]+)(?=$|[\s,])"
)
_UNIT_CIVIC = re.compile(r"^\s*([a-z0-9]+)\s*-\s*(\d+[a-z]?)(?=\s)")
_CIVIC = re.compile(r"^\d+[a-z]?$")
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th|e|er|re|eme|ieme)$")
_ORDINAL_WORDS: Mapping[str, str] = {
    "first": "1",
    "premier": "1",
    "premiere": "1",
    "second": "2",
    "deuxieme": "2",
    "third": "3",
    "troisieme": "3",
    "fourth": "4",
    "quatrieme": "4",
    "fifth": "5",
    "cinquieme": "5",
}
_STREET_PARTICLES = PARTICLES | {"of", "the"}


@dataclass(frozen=True)
class Street:
    """A street address read into its parts: ``"4-123 boul. René-Lévesque O."`` → civic
    ``"123"``, unit ``"4"``, name ``"rene levesque"``, type ``"boulevard"``, direction ``"w"``.
    The name has Saint spelled out, ordinals as digits (``1re``, ``First`` → ``1``) and the
    small words dropped (``chemin du Lac`` → ``lac``)."""

    civic: str
    unit: str
    name: str
    street_type: str
    direction: str


def _street_word(word: str) -> str:
    ordinal = _ORDINAL.match(word)
    if ordinal:
        return ordinal.group(1)
    return _ORDINAL_WORDS.get(word, _saint(word))


def _direction(tokens: list[str]) -> str:
    """Take the direction at the end of ``tokens``, if any (not after a small word: ``rue de
    l'Est`` is a name)."""
    if len(tokens) > 1 and tokens[-1] in DIRECTIONS and tokens[-2] not in _STREET_PARTICLES:
        return DIRECTIONS[tokens.pop()]
    return ""


def normalize_street(text: str) -> Street:
    value = _ELISION.sub(r"\1 ", fold(text)).replace("'", "")
    unit = ""
    unit_civic = _UNIT_CIVIC.match(value)
    if unit_civic:
        unit = unit_civic.group(1)
        value = f"{unit_civic.group(2)}{value[unit_civic.end() :]}"
    marked = _UNIT.search(value)
    if marked:
        unit = unit or marked.group(1)
        value = value[: marked.start()] + " " + value[marked.end() :]
    tokens = [word for word in _NOT_WORD.split(value) if word]
    civic = ""
    if len(tokens) > 1 and _CIVIC.match(tokens[0]):
        civic = tokens.pop(0)
    direction = _direction(tokens)
    street_type = ""
    if len(tokens) > 1 and tokens[0] in LEADING_STREET_TYPES:
        street_type = STREET_TYPES[tokens.pop(0)]
    elif len(tokens) > 1 and tokens[-1] in STREET_TYPES:
        street_type = STREET_TYPES[tokens.pop()]
    # "123 Main St W" had its direction last, "123 Main West St" has it before the type.
    direction = direction or _direction(tokens)
    name = [_street_word(token) for token in tokens]
    kept = [word for word in name if word not in _STREET_PARTICLES] or name
    return Street(
        civic=civic, unit=unit, name=" ".join(kept), street_type=street_type, direction=direction
    )


# ---------------------------------------------------------------------------------------------
# Cities

#: Words before a municipality's name that are not part of it (``Ville de Québec``,
#: ``City of Ottawa``, ``Municipalité de Chelsea``).
_CITY_PREFIXES = (
    ("ville", "de"),
    ("city", "of"),
    ("town", "of"),
    ("municipalite", "de"),
    ("municipality", "of"),
    ("village", "de"),
    ("village", "of"),
    ("township", "of"),
    ("canton", "de"),
    ("cite", "de"),
)
#: Common bilingual or alternative forms of a city's name → one form (after folding, Saint
#: spelled out and the prefixes above dropped). A small table: the Saint rule and folding do
#: most of the work.
CITY_FORMS: Mapping[str, str] = {
    "quebec city": "quebec",
    "montreal": "montreal",
    "greater sudbury": "sudbury",
    "grand sudbury": "sudbury",
    "three rivers": "trois rivieres",
    "saint jean": "saint jean sur richelieu",
    "magdalen islands": "iles de la madeleine",
    "grand falls": "grand sault",
    "montreal north": "montreal nord",
    "montreal west": "montreal ouest",
    "montreal east": "montreal est",
    "north vancouver": "north vancouver",
    "greater napanee": "napanee",
    "sault saint marie": "sault sainte marie",
    "saint johns": "saint johns",
    "cap de la madeleine": "trois rivieres",
    "ottawa gatineau": "ottawa",
}


def normalize_city(text: str) -> str:
    """``"Montréal"`` and ``"Montreal"`` → ``"montreal"``; ``"Québec"``, ``"Quebec City"`` and
    ``"Ville de Québec"`` → ``"quebec"``; ``"St-Jean"`` and ``"Saint-Jean-sur-Richelieu"`` →
    ``"saint jean sur richelieu"``; ``"St. John's"`` → ``"saint johns"``."""
    tokens = tuple(_saint(word) for word in words(text.replace("'", "")))
    stripped = True
    while stripped:
        stripped = False
        for prefix in _CITY_PREFIXES:
            if tokens[: len(prefix)] == prefix and len(tokens) > len(prefix):
                tokens = tokens[len(prefix) :]
                stripped = True
    name = " ".join(tokens)
    return CITY_FORMS.get(name, name)


def province_code(text: str) -> str:
    """A province written as its code or its English or French name → its two-letter code
    (``"Québec"`` → ``"QC"``), or ``""`` when it is not a Canadian province or territory."""
    return _PROVINCES.get("".join(words(text)), "")


_PROVINCE_NAMES: Mapping[str, Iterable[str]] = {
    "AB": ("ab", "alberta", "alta"),
    "BC": ("bc", "british columbia", "colombie britannique", "cb"),
    "MB": ("mb", "manitoba", "man"),
    "NB": ("nb", "new brunswick", "nouveau brunswick"),
    "NL": ("nl", "newfoundland and labrador", "terre neuve et labrador", "nfld", "tnl"),
    "NS": ("ns", "nova scotia", "nouvelle ecosse", "ne"),  # N.-É.
    "NT": ("nt", "northwest territories", "territoires du nord ouest", "tno"),
    "NU": ("nu", "nunavut"),
    "ON": ("on", "ontario", "ont"),
    "PE": ("pe", "prince edward island", "ile du prince edouard", "pei", "ipe"),
    "QC": ("qc", "quebec", "que", "pq"),
    "SK": ("sk", "saskatchewan", "sask"),
    "YT": ("yt", "yukon"),
}
_PROVINCES: Mapping[str, str] = {
    name.replace(" ", ""): code for code, names in _PROVINCE_NAMES.items() for name in names
}
