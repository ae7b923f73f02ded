"""Labelled client records for the duplicate-quality benchmark (issue 13, item 5).

Canadian client records as a public service sees them, with the truth known: every record
belongs to one *entity* (a person or an organization), so two records are a true duplicate
pair exactly when they share an entity. docs/matching.md ("Quality") gives the rates below in
prose; this module is the definition.

How it generates, in order:

1. **Entities.** ``PERSON_SHARE`` of them are persons, the rest organizations. A person has a
   language (French with ``FRENCH_SHARE``, more in Quebec), a given name and a family name drawn
   by frequency (the very common family names, Tremblay, Gagnon, Roy, Côté, Bouchard, Smith, Li,
   Nguyen, Singh and others, carry most of the weight; a long tail of rarer names the rest), a
   date of birth, an email address unique to them, a phone number in their city's area code and
   an address: a civic number on one of their city's streets, whose postal code is shared by the
   neighbours on the same stretch of the street. An organization has a name made of an
   activity and a family or place name with a legal form (Inc., Ltée, Limited, s.e.n.c. …), so
   that different organizations often share most words of their names, a role email
   (``info@``) at its own domain, a switchboard and an address.
2. **Households.** ``HOUSEHOLD_SHARE`` of the persons live with one to three other persons
   (``HOUSEHOLD_SIZES``): same address, the landline shared with ``SHARED_LANDLINE``, the same
   family name with ``SAME_FAMILY_IN_HOUSEHOLD`` (else a spouse who kept theirs), another given
   name that is no nickname of any other member's (``JUNIOR_SHARE`` share it: a son named after his
   father, born decades later), their own email and date of birth. They are different entities:
   their pairs are **not** duplicates.
3. **Records.** Each entity is recorded once, plus 0–3 more times (``EXTRA_RECORDS``). Every
   record shows each field only with its own probability (``PRESENT``: no email, no phone, no
   date of birth, no address are all common), and writes phones, postal codes, provinces and
   street types in one of the usual ways (``written_*``). The extra records are the duplicates:
   each applies every perturbation of ``PERSON_RATES`` or ``ORGANIZATION_RATES`` independently,
   with its rate, and remembers which it applied (``Row.changes``).

Deterministic for a seed. Written for Comptoir; no list or code is taken from elsewhere except
``core/matching/nicknames.csv`` (ours too), read for the nicknames and French equivalents.
"""

from __future__ import annotations

import csv
import random
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import combinations
from pathlib import Path

from comptoir.core.matching import Address, ClientRecord, RecordKind
from comptoir.core.matching.normalize import normalize_email

NICKNAMES_CSV = (
    Path(__file__).resolve().parent.parent
    / "src"
    / "comptoir"
    / "core"
    / "matching"
    / "nicknames.csv"
)

PERSON_SHARE = 0.85
FRENCH_SHARE = 0.30  # outside Quebec; in Quebec it is QUEBEC_FRENCH_SHARE
QUEBEC_FRENCH_SHARE = 0.80
#: How many records an entity has beyond its first, with their probabilities.
EXTRA_RECORDS = ((0, 0.72), (1, 0.22), (2, 0.05), (3, 0.01))
HOUSEHOLD_SHARE = 0.10
HOUSEHOLD_SIZES = ((1, 0.6), (2, 0.3), (3, 0.1))  # other members
SHARED_LANDLINE = 0.6
SAME_FAMILY_IN_HOUSEHOLD = 0.7
JUNIOR_SHARE = 0.03
#: The share of records showing each field (every record, the first one too).
PRESENT = {"email": 0.75, "phone": 0.85, "date_of_birth": 0.65, "address": 0.90}
#: Perturbations of a person's extra record, each applied independently with its rate. "when"
#: rates apply only where they can (a name with accents, a hyphenated given name, a name with
#: nicknames, a street with a type, a day of month of 12 or less).
PERSON_RATES = {
    "nickname": 0.20,  # when the given name has nicknames or French/English equivalents
    "given_accents_dropped": 0.30,  # when accented
    "given_hyphen": 0.35,  # when hyphenated: spaced, first part only, or initials
    "given_initial": 0.03,
    "given_typo": 0.06,
    "family_typo": 0.06,
    "family_accents_dropped": 0.30,  # when accented
    "family_saint": 0.50,  # when St-/Ste-/Saint-/Sainte-: the other spelling
    "family_upper": 0.04,
    "married_hyphenated": 0.03,  # a second family name added (Tremblay → Tremblay-Gagnon)
    "married_replaced": 0.03,  # another family name altogether
    "swapped_names": 0.02,
    "moved": 0.12,  # a new address; with MOVE_NEW_PHONE a new phone too
    "new_email": 0.08,
    "email_upper": 0.05,
    "phone_typo": 0.03,
    "dob_day_month": 0.03,  # when the day is 12 or less
    "dob_typo": 0.03,
    "street_form": 0.40,  # another way of writing the street (Ave/avenue, St-/Saint-, accents)
    "city_form": 0.25,  # the city in the other language, or without accents
}
MOVE_NEW_PHONE = 0.8
ORGANIZATION_RATES = {
    "legal_form": 0.40,  # Inc. → Incorporated, Ltée → Limitée or Ltd. …
    "legal_form_dropped": 0.10,
    "accents_dropped": 0.25,  # when accented
    "and_word": 0.50,  # when the name has &, et or and: another of them
    "upper": 0.05,
    "typo": 0.05,
    "other_role_email": 0.20,  # another role address at the same domain
    "extension": 0.15,  # the switchboard with an extension
    "moved": 0.08,
    "street_form": 0.40,
    "city_form": 0.25,
}


# fmt: off
# The tables below are data: one line holds several entries (ruff format would give each its own).

# --- Names ----------------------------------------------------------------------------------------

# Weights are rough shares among the people a Canadian service sees, not census figures.
FAMILY_COMMON_FR = {
    "Tremblay": 30, "Gagnon": 20, "Roy": 18, "Côté": 17, "Bouchard": 16, "Gauthier": 12,
    "Morin": 12, "Lavoie": 11, "Fortin": 11, "Gagné": 10, "Ouellet": 9, "Pelletier": 9,
    "Bélanger": 9, "Lévesque": 9, "Bergeron": 8, "Leblanc": 8, "Paquette": 7, "Girard": 7,
    "Simard": 7, "Boucher": 7, "Caron": 7, "Beaulieu": 6, "Cloutier": 6, "Dubé": 6, "Poirier": 6,
    "Fournier": 6, "Lapointe": 6, "Leclerc": 5, "Lefebvre": 5, "Poulin": 5, "Thibault": 5,
    "St-Pierre": 5, "Desjardins": 4, "Hébert": 4, "Thériault": 4, "Bérubé": 4, "Lemieux": 4,
    "Ménard": 4, "Boisvert": 4, "Nadeau": 4, "Martel": 4, "Giroux": 3, "Savard": 3, "Vachon": 3,
    "Charbonneau": 3, "Demers": 3, "Dufour": 3, "Lachance": 3, "St-Laurent": 2, "Ste-Marie": 2,
    "Saint-Onge": 2, "D'Amours": 2, "Deschênes": 2, "Bourque": 2, "Landry": 3, "Arsenault": 3,
    "Després": 2, "Létourneau": 2, "Séguin": 2, "Émond": 1, "Lévêque": 1, "de la Fontaine": 1,
}
FAMILY_COMMON_EN = {
    "Smith": 25, "Brown": 12, "Martin": 12, "Wilson": 10, "MacDonald": 10, "Johnson": 8,
    "Taylor": 8, "Campbell": 8, "Anderson": 7, "Lee": 9, "Jones": 7, "White": 6, "Williams": 7,
    "Miller": 6, "Thompson": 7, "Young": 5, "Scott": 5, "Stewart": 5, "Murphy": 5, "O'Brien": 3,
    "Fraser": 4, "Reid": 4, "Robertson": 4, "McKenzie": 3, "Kowalski": 2, "Mercer": 2,
    "Penney": 2, "Clarke": 4, "Walker": 5, "Green": 4, "King": 4, "Wright": 4, "Hall": 4,
    "Morrison": 4, "Ross": 4, "Hughes": 3, "Li": 14, "Wang": 12, "Chen": 10, "Zhang": 8,
    "Liu": 7, "Wong": 7, "Nguyen": 12, "Tran": 6, "Le": 4, "Pham": 3, "Singh": 16, "Patel": 10,
    "Kaur": 8, "Gill": 4, "Sharma": 4, "Khan": 6, "Ali": 5, "Ahmed": 5, "Mohamed": 4,
    "Hussain": 3, "Kim": 6, "Park": 3, "Santos": 2, "Silva": 2, "Rodriguez": 3, "Garcia": 3,
    "Haddad": 2, "Khoury": 2, "Leblanc": 3, "Tremblay": 4, "Roy": 3,
}
#: The long tail of rarer family names: every prefix with every ending.
_TAIL_FR = (
    ("Beau", "Bel", "Bon", "Bois", "Char", "Du", "La", "Le", "Mont", "Ville", "Roche", "Lan",
     "Mar", "Gros", "Petit", "Val", "Clair", "Fon", "Ber", "Tour"),
    ("champ", "mont", "regard", "court", "neuve", "ville", "fort", "lieu", "lande", "pré",
     "chesne", "rière", "ault", "eau", "ier", "on", "ette", "ard", "in", "ot"),
)
_TAIL_EN = (
    ("Ash", "Black", "Brad", "Cal", "Clay", "Craw", "Fair", "Hart", "Hol", "Kings", "Lang", "Mar",
     "Mid", "Nor", "Ox", "Red", "Ship", "Stan", "Thorn", "Wal", "West", "Whit", "Wood", "Brook"),
    ("ford", "ton", "ley", "worth", "wood", "field", "by", "ham", "well", "more", "land", "er",
     "stone", "bury", "dale", "wick", "son", "hill", "man", "ridge"),
)
#: The share of family names drawn from the common lists (the rest from the tail).
COMMON_FAMILY_SHARE = 0.6

GIVEN_FR = {
    "Marie": 8, "Marie-Ève": 5, "Anne-Marie": 3, "Marie-Hélène": 3, "Geneviève": 4, "Josée": 3,
    "Isabelle": 5, "Nathalie": 5, "Sylvie": 4, "Chantal": 3, "Julie": 5, "Mélanie": 4,
    "Catherine": 5, "Élisabeth": 3, "Marguerite": 1, "Léa": 4, "Florence": 3, "Béatrice": 2,
    "Zoé": 2, "Chloé": 3, "Mégane": 2, "Élodie": 2, "Noémie": 2, "Hélène": 3, "Jeanne": 2,
    "Jean": 6, "Jean-François": 5, "Jean-Sébastien": 3, "Pierre": 6, "Pierre-Luc": 3,
    "Marc-André": 3, "Guillaume": 5, "François": 5, "André": 4, "Éric": 4, "Stéphane": 4,
    "Benoît": 3, "Mathéo": 2, "Félix": 3, "Léo": 3, "Gabriel": 4, "Samuel": 4, "Émile": 2,
    "Jérôme": 3, "Jacques": 3, "Michel": 5, "Luc": 3, "Martin": 3, "Mathieu": 4, "Nicolas": 4,
    "Alexandre": 5, "Philippe": 4, "Louis": 3, "Étienne": 3, "Olivier": 4, "Antoine": 4,
    "Simon": 3, "Sébastien": 4, "Daniel": 3, "Richard": 2, "Robert": 2, "Thomas": 3,
    "William": 3, "Joseph": 2, "Charles": 2, "Édouard": 1, "Henri": 1, "Paul": 2,
}
GIVEN_EN = {
    "William": 6, "Robert": 6, "James": 6, "Michael": 7, "Elizabeth": 5, "Margaret": 3,
    "Katherine": 3, "Jennifer": 5, "Richard": 4, "Thomas": 5, "Joseph": 4, "Daniel": 5,
    "Matthew": 5, "Christopher": 5, "Anthony": 3, "Andrew": 4, "Patricia": 3, "Susan": 3,
    "Deborah": 2, "Jessica": 4, "Samuel": 3, "Benjamin": 4, "Alexander": 4, "Nicholas": 3,
    "Jonathan": 3, "Stephen": 3, "Edward": 3, "Charles": 3, "Peter": 3, "John": 6, "Mary": 4,
    "Sarah": 5, "Emily": 5, "Olivia": 5, "Emma": 5, "Sophia": 4, "Liam": 5, "Noah": 4,
    "Ethan": 4, "Lucas": 3, "Jack": 3, "David": 6, "Priya": 3, "Wei": 3, "Mohammed": 3,
    "Fatima": 3, "Aiden": 2, "Chloe": 2, "Zoë": 1, "Mary-Ann": 1, "Harpreet": 2, "Jaspreet": 2,
    "Minh": 2, "Linh": 2, "Ji-woo": 1, "Ahmed": 2, "Omar": 2, "Aisha": 2, "Hannah": 3,
    "Rebecca": 3, "Laura": 3, "Megan": 3, "Kevin": 3, "Ryan": 3, "Jason": 3, "Brian": 2,
}


# --- Places ---------------------------------------------------------------------------------------

#: City, other written forms, province, postal code's first letter, area codes, weight.
CITIES = (
    ("Toronto", (), "ON", "M", ("416", "647"), 14),
    ("Ottawa", (), "ON", "K", ("613", "343"), 8),
    ("Mississauga", (), "ON", "L", ("905", "289"), 5),
    ("Hamilton", (), "ON", "L", ("905",), 4),
    ("London", (), "ON", "N", ("519",), 3),
    ("Kingston", (), "ON", "K", ("613",), 2),
    ("Grand Sudbury", ("Greater Sudbury", "Sudbury"), "ON", "P", ("705",), 2),
    ("Montréal", ("Montreal", "MONTREAL"), "QC", "H", ("514", "438"), 12),
    ("Québec", ("Quebec City", "Ville de Québec", "Quebec"), "QC", "G", ("418", "581"), 6),
    ("Laval", (), "QC", "H", ("450",), 3),
    ("Gatineau", (), "QC", "J", ("819", "873"), 3),
    ("Sherbrooke", (), "QC", "J", ("819",), 2),
    ("Trois-Rivières", ("Trois Rivieres", "Three Rivers"), "QC", "G", ("819",), 2),
    ("Saint-Jean-sur-Richelieu", ("St-Jean-sur-Richelieu",), "QC", "J", ("450",), 1),
    ("Longueuil", (), "QC", "J", ("450",), 3),
    ("Vancouver", (), "BC", "V", ("604", "778"), 6),
    ("Victoria", (), "BC", "V", ("250",), 2),
    ("Surrey", (), "BC", "V", ("604",), 3),
    ("Calgary", (), "AB", "T", ("403", "587"), 6),
    ("Edmonton", (), "AB", "T", ("780",), 5),
    ("Winnipeg", (), "MB", "R", ("204",), 4),
    ("Regina", (), "SK", "S", ("306",), 1),
    ("Saskatoon", (), "SK", "S", ("306",), 2),
    ("Halifax", (), "NS", "B", ("902",), 2),
    ("Moncton", (), "NB", "E", ("506",), 1),
    ("Fredericton", (), "NB", "E", ("506",), 1),
    ("St. John's", ("St John's", "Saint John's"), "NL", "A", ("709",), 1),
    ("Charlottetown", (), "PE", "C", ("902",), 1),
    ("Whitehorse", (), "YT", "Y", ("867",), 1),
    ("Yellowknife", (), "NT", "X", ("867",), 1),
)
PROVINCE_NAMES = {
    "ON": ("Ontario",), "QC": ("Québec", "Quebec", "Qc"), "BC": ("British Columbia", "C.-B."),
    "AB": ("Alberta",), "MB": ("Manitoba",), "SK": ("Saskatchewan",),
    "NS": ("Nova Scotia", "N.-É."), "NB": ("New Brunswick", "Nouveau-Brunswick"),
    "NL": ("Newfoundland and Labrador", "T.-N.-L."), "PE": ("Prince Edward Island", "Î.-P.-É."),
    "YT": ("Yukon",), "NT": ("Northwest Territories", "T.N.-O."),
}
_STREET_NAMES_FR = (
    "Principale", "Saint-Laurent", "Sainte-Catherine", "des Érables", "du Lac", "Notre-Dame",
    "Saint-Denis", "Saint-Joseph", "René-Lévesque", "de la Montagne", "Laurier", "Champlain",
    "Cartier", "Papineau", "Jean-Talon", "de l'Église", "des Pins", "du Moulin", "Saint-Jean",
    "de la Gare", "Beaubien", "Masson", "Sainte-Anne", "des Chênes", "du Parc", "Montcalm",
    "Frontenac", "de Lorimier", "Saint-Hubert", "Bélanger",
)
_STREET_NAMES_EN = (
    "Main", "King", "Queen", "Elgin", "Wellington", "Bank", "Rideau", "Maple", "Oak", "Cedar",
    "Pine", "Church", "Park", "Victoria", "Yonge", "Dundas", "Bloor", "College", "Spadina",
    "Portage", "Jasper", "Whyte", "Granville", "Robson", "Barrington", "Water", "Brunswick",
    "Lakeshore", "Highland", "Riverside",
)
_TYPES_FR = (("rue", 6), ("avenue", 2), ("boulevard", 1), ("chemin", 1))
_TYPES_EN = (("Street", 5), ("Avenue", 2), ("Road", 2), ("Drive", 1), ("Crescent", 1))
#: Other ways of writing a street: each pair is tried both ways.
STREET_FORMS = (
    ("Street", "St"), ("Street", "St."), ("Avenue", "Ave"), ("Avenue", "Ave."),
    ("avenue", "av."), ("boulevard", "boul."), ("boulevard", "blvd"), ("rue", "r."),
    ("chemin", "ch."), ("Road", "Rd"), ("Drive", "Dr"), ("Crescent", "Cres."),
    ("Saint-", "St-"), ("Sainte-", "Ste-"), (" Est", " E"), (" Ouest", " O"),
    (" East", " E"), (" West", " W"),
)
_POSTAL_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"  # never D, F, I, O, Q, U


# --- Organizations ------------------------------------------------------------------------------

_ACTIVITIES_FR = (
    "Services conseils", "Groupe", "Entreprises", "Construction", "Transport", "Boulangerie",
    "Clinique dentaire", "Imprimerie", "Distribution", "Pharmacie", "Garage", "Fromagerie",
    "Excavation", "Traiteur", "Toitures", "Assurances",
)
_ACTIVITIES_EN = (
    "Consulting", "Logistics", "Construction", "Analytics", "Foods", "Software", "Dental",
    "Legal Services", "Printing", "Exports", "Plumbing", "Roofing", "Insurance", "Trucking",
    "Landscaping", "Accounting",
)
_PLACES_FR = ("Boréal", "Laurentides", "du Lac", "Beauce", "Outaouais", "Gaspésie",
              "Richelieu", "Mauricie", "Estrie", "des Îles", "Saguenay", "Rive-Sud")
_PLACES_EN = ("Northern", "Maple Leaf", "Prairie", "Atlantic", "Bayview", "Pacific Rim",
              "Rideau", "Kootenay", "Great Lakes", "Evergreen", "Summit", "Harbour", "Lakeshore")
_LEGAL_FR = (("inc.", 5), ("ltée", 3), ("Inc.", 2), ("Ltée", 1), ("s.e.n.c.", 1), ("", 1))
_LEGAL_EN = (("Inc.", 5), ("Ltd.", 3), ("Limited", 1), ("Corp.", 1), ("Co.", 1), ("LLP", 1),
             ("", 1))
#: A legal form and the other ways of writing it.
LEGAL_FORMS = {
    "inc.": ("Inc.", "inc", "Incorporée", "Incorporated"),
    "Inc.": ("Inc", "Incorporated", "inc."),
    "ltée": ("Ltée", "Limitée", "Ltd.", "ltee"),
    "Ltée": ("ltée", "Limitée", "Limited"),
    "Ltd.": ("Ltd", "Limited", "Ltée"),
    "Limited": ("Ltd.", "Ltd", "Limitée"),
    "Corp.": ("Corporation", "Corp"),
    "Co.": ("Company", "Cie"),
    "LLP": ("L.L.P.", "S.E.N.C.R.L."),
    "s.e.n.c.": ("S.E.N.C.", "SENC", "société en nom collectif"),
}
_ROLES = ("info", "contact", "admin", "service", "comptabilite", "accounts", "reception")
_MAIL_DOMAINS = (
    ("gmail.com", 30), ("hotmail.com", 12), ("outlook.com", 8), ("yahoo.ca", 6),
    ("yahoo.com", 4), ("videotron.ca", 6), ("bell.net", 4), ("sympatico.ca", 3), ("shaw.ca", 3),
    ("telus.net", 3), ("rogers.com", 4), ("icloud.com", 4), ("live.ca", 3),
    ("globetrotter.net", 1),
)
# fmt: on


# --- The generated data -------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One client record as typed, with the truth: its entity (and household, if any)."""

    id: int
    entity: int
    kind: str  # "person" or "organization"
    given_name: str = ""
    family_name: str = ""
    organization_name: str = ""
    date_of_birth: str = ""  # YYYY-MM-DD or ""
    email: str = ""
    phone: str = ""
    street: str = ""
    city: str = ""
    province: str = ""
    postal_code: str = ""
    #: The entity's household (the entity of its first member), or -1.
    household: int = -1
    #: The perturbations this record got (empty for an entity's first record).
    changes: tuple[str, ...] = ()

    def record(self) -> ClientRecord:
        """The matching core's view of the record (as ``clients.duplicates`` builds it)."""
        born = date.fromisoformat(self.date_of_birth) if self.date_of_birth else None
        addresses = (
            (Address(self.street, self.city, self.province, self.postal_code),)
            if self.street or self.city or self.postal_code
            else ()
        )
        return ClientRecord(
            id=self.id,
            kind=RecordKind.ORGANIZATION if self.kind == "organization" else RecordKind.PERSON,
            given_name=self.given_name,
            family_name=self.family_name,
            organization_name=self.organization_name,
            date_of_birth=born,
            emails=(self.email,) if self.email else (),
            phones=(self.phone,) if self.phone else (),
            addresses=addresses,
        )


COLUMNS = (
    "id",
    "entity",
    "kind",
    "given_name",
    "family_name",
    "organization_name",
    "date_of_birth",
    "email",
    "phone",
    "street",
    "city",
    "province",
    "postal_code",
    "household",
    "changes",
)


@dataclass
class Labelled:
    rows: list[Row]

    def true_pairs(self) -> set[tuple[int, int]]:
        """Every pair of records of one entity, as (lower id, higher id)."""
        by_entity: dict[int, list[int]] = {}
        for row in self.rows:
            by_entity.setdefault(row.entity, []).append(row.id)
        return {
            (min(a, b), max(a, b)) for ids in by_entity.values() for a, b in combinations(ids, 2)
        }

    def household_pairs(self) -> set[tuple[int, int]]:
        """Pairs of records of two different members of one household (not duplicates)."""
        by_household: dict[int, list[Row]] = {}
        for row in self.rows:
            if row.household >= 0:
                by_household.setdefault(row.household, []).append(row)
        return {
            (min(a.id, b.id), max(a.id, b.id))
            for rows in by_household.values()
            for a, b in combinations(rows, 2)
            if a.entity != b.entity
        }


def write_csv(rows: Iterable[Row], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(
                [
                    row.id,
                    row.entity,
                    row.kind,
                    row.given_name,
                    row.family_name,
                    row.organization_name,
                    row.date_of_birth,
                    row.email,
                    row.phone,
                    row.street,
                    row.city,
                    row.province,
                    row.postal_code,
                    row.household,
                    "|".join(row.changes),
                ]
            )


def read_csv(path: Path) -> Iterator[Row]:
    with path.open(newline="", encoding="utf-8") as source:
        reader = csv.DictReader(source)
        for line in reader:
            yield Row(
                id=int(line["id"]),
                entity=int(line["entity"]),
                kind=line["kind"],
                given_name=line["given_name"],
                family_name=line["family_name"],
                organization_name=line["organization_name"],
                date_of_birth=line["date_of_birth"],
                email=line["email"],
                phone=line["phone"],
                street=line["street"],
                city=line["city"],
                province=line["province"],
                postal_code=line["postal_code"],
                household=int(line["household"]),
                changes=tuple(c for c in line["changes"].split("|") if c),
            )


# --- Helpers --------------------------------------------------------------------------------------


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _has_accents(text: str) -> bool:
    return strip_accents(text) != text


def _weighted[T](rng: random.Random, pairs: Sequence[tuple[T, float]]) -> T:
    return rng.choices([value for value, _ in pairs], [weight for _, weight in pairs])[0]


def typo(rng: random.Random, text: str) -> str:
    """One keyboard slip: a letter dropped, doubled, replaced, or two neighbours swapped (never
    the first letter)."""
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    if kind == 2 and text[i] != text[i + 1]:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + rng.choice("aeinrstlo") + text[i + 1 :]


def _equivalents() -> dict[str, list[str]]:
    """Each folded given name → the other names that stand for the same formal name."""
    formal_of: dict[str, set[str]] = {}
    with NICKNAMES_CSV.open(encoding="utf-8") as source:
        for line in source:
            if line.startswith("#") or line.startswith("name,"):
                continue
            name, formal, _relation = line.strip().split(",")
            formal_of.setdefault(name, set()).add(formal)
            formal_of.setdefault(formal, set()).add(formal)
    names_of: dict[str, set[str]] = {}
    for name, formals in formal_of.items():
        for formal in formals:
            names_of.setdefault(formal, set()).add(name)
    return {
        name: sorted({other for formal in formals for other in names_of[formal]} - {name})
        for name, formals in formal_of.items()
    }


def _fold(text: str) -> str:
    return strip_accents(text).lower()


# --- Generation -----------------------------------------------------------------------------------


@dataclass
class _City:
    name: str
    forms: tuple[str, ...]
    province: str
    letter: str
    areas: tuple[str, ...]
    french: bool
    #: Each street: its written name and its FSA.
    streets: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Entity:
    id: int
    kind: str
    french: bool
    city: _City
    given: str = ""
    family: str = ""
    organization: str = ""
    born: date | None = None
    email: str = ""
    phone: str = ""
    street: str = ""
    street_index: int = 0
    civic: int = 0
    unit: str = ""
    household: int = -1


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.equivalents = _equivalents()
        tail_fr = [a + b for a in _TAIL_FR[0] for b in _TAIL_FR[1]]
        tail_en = [a + b for a in _TAIL_EN[0] for b in _TAIL_EN[1]]
        self.tail_fr, self.tail_en = tail_fr, tail_en
        self.cities = [self._city(*spec) for spec in CITIES]
        self.city_weights = [spec[5] for spec in CITIES]
        self.emails: set[str] = set()
        self.phones: set[str] = set()

    def _city(
        self,
        name: str,
        forms: tuple[str, ...],
        province: str,
        letter: str,
        areas: tuple[str, ...],
        _weight: int,
    ) -> _City:
        rng = self.rng
        french = province == "QC"
        fsas = [
            f"{letter}{rng.randrange(10)}{rng.choice(_POSTAL_LETTERS[:-2])}"
            for _ in range(rng.randrange(15, 60))
        ]
        city = _City(name, forms, province, letter, areas, french)
        for street_name in _STREET_NAMES_FR if french else _STREET_NAMES_EN:
            kinds = _TYPES_FR if french else _TYPES_EN
            for street_type, _w in rng.sample(kinds, 2):
                direction = ""
                if rng.random() < 0.15:
                    direction = rng.choice((" Est", " Ouest") if french else (" East", " West"))
                written = (
                    f"{street_type} {street_name}{direction}"
                    if french
                    else f"{street_name} {street_type}{direction}"
                )
                city.streets.append((written, rng.choice(fsas)))
        return city

    # The true values of an entity.

    def _family(self, *, french: bool) -> str:
        rng = self.rng
        if rng.random() < COMMON_FAMILY_SHARE:
            pool = FAMILY_COMMON_FR if french else FAMILY_COMMON_EN
            return rng.choices(list(pool), list(pool.values()))[0]
        return rng.choice(self.tail_fr if french else self.tail_en)

    def _given(self, *, french: bool) -> str:
        pool = GIVEN_FR if french else GIVEN_EN
        return self.rng.choices(list(pool), list(pool.values()))[0]

    def _phone(self, city: _City) -> str:
        rng = self.rng
        while True:
            number = (
                f"{rng.choice(city.areas)}{rng.randrange(2, 10)}{rng.randrange(100):02d}"
                f"{rng.randrange(10000):04d}"
            )
            if number not in self.phones:
                self.phones.add(number)
                return number

    def _email(self, local: str, domain: str) -> str:
        """An address nobody else has: unique as a mail server reads it (Gmail ignores the
        dots, so ``jean.roy@gmail.com`` is ``jeanroy@gmail.com``)."""
        local = "".join(c for c in _fold(local) if c.isalnum() or c in "._-")
        email = f"{local}@{domain}"
        while normalize_email(email) in self.emails:
            email = f"{local}{self.rng.randrange(1, 999)}@{domain}"
        self.emails.add(normalize_email(email) or email)
        return email

    def _person_email(self, given: str, family: str, born: date | None) -> str:
        rng = self.rng
        g, f = _fold(given).replace(" ", ""), _fold(family).replace(" ", "").replace("'", "")
        shapes = (
            f"{g}.{f}",
            f"{g}{f}",
            f"{g[0]}{f}",
            f"{g}_{f}",
            f"{f}.{g}",
            f"{g}{(born.year % 100) if born else rng.randrange(100):02d}",
        )
        return self._email(rng.choice(shapes), _weighted(rng, _MAIL_DOMAINS))

    def _address(self, entity: _Entity) -> None:
        rng = self.rng
        entity.street_index = rng.randrange(len(entity.city.streets))
        entity.civic = rng.randrange(1, 3000) if rng.random() < 0.8 else rng.randrange(1, 400)
        entity.unit = str(rng.randrange(1, 40)) if rng.random() < 0.3 else ""

    def _organization_name(self, *, french: bool) -> str:
        rng = self.rng
        legal = _weighted(rng, _LEGAL_FR if french else _LEGAL_EN)
        if french:
            activity = rng.choice(_ACTIVITIES_FR)
            other = self._family(french=True) if rng.random() < 0.6 else rng.choice(_PLACES_FR)
            name = f"{activity} {other}"
            if rng.random() < 0.1:
                name = f"{name} et Fils"
        else:
            activity = rng.choice(_ACTIVITIES_EN)
            if rng.random() < 0.6:
                name = f"{self._family(french=False)} {activity}"
                if rng.random() < 0.1:
                    name = f"{name} & Sons"
            else:
                name = f"{rng.choice(_PLACES_EN)} {activity}"
        return f"{name} {legal}".strip()

    def entity(self, entity_id: int) -> _Entity:
        rng = self.rng
        city = rng.choices(self.cities, self.city_weights)[0]
        french = rng.random() < (QUEBEC_FRENCH_SHARE if city.french else FRENCH_SHARE)
        if rng.random() < PERSON_SHARE:
            entity = _Entity(entity_id, "person", french, city)
            entity.given = self._given(french=french)
            entity.family = self._family(french=french)
            entity.born = date(
                rng.randrange(1935, 2007), rng.randrange(1, 13), rng.randrange(1, 29)
            )
            entity.email = self._person_email(entity.given, entity.family, entity.born)
            entity.phone = self._phone(city)
        else:
            entity = _Entity(entity_id, "organization", french, city)
            entity.organization = self._organization_name(french=french)
            slug = "".join(w[:4] for w in _fold(entity.organization).split()[:3])
            entity.email = self._email(
                rng.choice(_ROLES), f"{''.join(c for c in slug if c.isalnum())}.ca"
            )
            entity.phone = self._phone(city)
        self._address(entity)
        return entity

    def household_member(self, group: Sequence[_Entity], entity_id: int) -> _Entity:
        """Another member of the household of ``group`` (its first member first)."""
        rng = self.rng
        first = group[0]
        member = replace(first, id=entity_id, household=first.id)
        member.family = (
            first.family
            if rng.random() < SAME_FAMILY_IN_HOUSEHOLD
            else self._family(french=first.french)
        )
        if rng.random() < JUNIOR_SHARE:
            member.given = first.given
            year = min(2007, (first.born.year if first.born else 1960) + rng.randrange(20, 35))
        else:
            taken = {
                name
                for other in group
                for name in (_fold(other.given), *self.equivalents.get(_fold(other.given), []))
            }
            given = self._given(french=first.french)
            while _fold(given) in taken:
                given = self._given(french=first.french)
            member.given = given
            year = rng.randrange(1935, 2007)
        member.born = date(year, rng.randrange(1, 13), rng.randrange(1, 29))
        member.email = self._person_email(member.given, member.family, member.born)
        if rng.random() >= SHARED_LANDLINE:
            member.phone = self._phone(first.city)
        return member

    # How a record writes the entity's values.

    def written_phone(self, digits: str) -> str:
        a, b, c = digits[:3], digits[3:6], digits[6:]
        shape = self.rng.randrange(6)
        return (
            f"{a}-{b}-{c}",
            f"({a}) {b}-{c}",
            f"{a} {b} {c}",
            f"+1 {a} {b} {c}",
            f"{a}{b}{c}",
            f"{a}.{b}.{c}",
        )[shape]

    def written_postal(self, code: str) -> str:
        shape = self.rng.random()
        if shape < 0.7:
            return f"{code[:3]} {code[3:]}"
        return code if shape < 0.9 else f"{code[:3]} {code[3:]}".lower()

    def written_province(self, province: str) -> str:
        shape = self.rng.random()
        if shape < 0.75:
            return province
        if shape < 0.9:
            return self.rng.choice(PROVINCE_NAMES.get(province, (province,)))
        return ""

    def street_form(self, street: str) -> str:
        rng = self.rng
        forms = [(a, b) for a, b in STREET_FORMS if a in street] + [
            (b, a) for a, b in STREET_FORMS if b in street.split() or f"{b}-" in street
        ]
        if forms:
            a, b = rng.choice(forms)
            street = street.replace(a, b, 1)
        if _has_accents(street) and rng.random() < 0.5:
            street = strip_accents(street)
        return street

    def city_form(self, city: _City) -> str:
        if city.forms:
            return self.rng.choice(city.forms)
        return strip_accents(city.name) if _has_accents(city.name) else city.name.upper()

    def _postal(self, entity: _Entity) -> str:
        street, fsa = entity.city.streets[entity.street_index]
        # One postal code for a stretch of about 40 civic numbers of a street.
        local = random.Random(f"{entity.city.name}|{street}|{entity.civic // 40}")
        return (
            f"{fsa}{local.randrange(10)}{local.choice(_POSTAL_LETTERS[:-2])}{local.randrange(10)}"
        )

    def _street_line(self, entity: _Entity, street: str) -> str:
        if not entity.unit:
            return f"{entity.civic} {street}"
        shape = self.rng.randrange(3)
        if shape == 0:
            return f"{entity.unit}-{entity.civic} {street}"
        if shape == 1:
            return f"{entity.civic} {street}, {'app.' if entity.french else 'apt'} {entity.unit}"
        return f"{entity.civic} {street} #{entity.unit}"

    def row(self, entity: _Entity, record_id: int, changes: Sequence[str] = ()) -> Row:
        """A record of ``entity`` as typed, with the fields each record may lack."""
        rng = self.rng
        present = {name: rng.random() < share for name, share in PRESENT.items()}
        street, _fsa = entity.city.streets[entity.street_index]
        has_address = present["address"]
        return Row(
            id=record_id,
            entity=entity.id,
            kind=entity.kind,
            given_name=entity.given,
            family_name=entity.family,
            organization_name=entity.organization,
            date_of_birth=(
                entity.born.isoformat() if entity.born and present["date_of_birth"] else ""
            ),
            email=entity.email if present["email"] else "",
            phone=self.written_phone(entity.phone) if present["phone"] else "",
            street=self._street_line(entity, street) if has_address else "",
            city=entity.city.name if has_address else "",
            province=self.written_province(entity.city.province) if has_address else "",
            postal_code=self.written_postal(self._postal(entity)) if has_address else "",
            household=entity.household,
            changes=tuple(changes),
        )

    # The perturbations of an extra record.

    def _happens(self, rates: dict[str, float], name: str) -> bool:
        return self.rng.random() < rates[name]

    def again(self, entity: _Entity, record_id: int) -> Row:
        """Another record of ``entity``, perturbed (see the module docstring)."""
        rng = self.rng
        changed = replace(entity)
        changes: list[str] = []
        rates = PERSON_RATES if entity.kind == "person" else ORGANIZATION_RATES

        def happens(name: str) -> bool:
            if self._happens(rates, name):
                changes.append(name)
                return True
            return False

        if entity.kind == "person":
            self._perturb_person(changed, happens)
        else:
            self._perturb_organization(changed, happens)
        if happens("moved"):
            moved_to = (
                changed.city
                if rng.random() < 0.7
                else rng.choices(self.cities, self.city_weights)[0]
            )
            changed.city = moved_to
            self._address(changed)
            if entity.kind == "organization" or rng.random() < MOVE_NEW_PHONE:
                changed.phone = self._phone(moved_to)
        row = self.row(changed, record_id, changes)
        if row.street and happens("street_form"):
            row = replace(row, street=self.street_form(row.street))
        if row.city and happens("city_form"):
            row = replace(row, city=self.city_form(changed.city))
        if row.phone and entity.kind == "organization" and happens("extension"):
            row = replace(
                row,
                phone=f"{row.phone} {rng.choice(('ext.', 'poste', 'x'))} {rng.randrange(1, 400)}",
            )
        if row.phone and entity.kind == "person" and happens("phone_typo"):
            digits = list(changed.phone)
            at = rng.randrange(3, 10)
            digits[at] = str((int(digits[at]) + rng.randrange(1, 10)) % 10)
            row = replace(row, phone=self.written_phone("".join(digits)))
        if row.email and entity.kind == "person" and happens("email_upper"):
            row = replace(row, email=row.email.upper())
        return replace(row, changes=tuple(changes))

    def _perturb_person(self, person: _Entity, happens: Callable[[str], bool]) -> None:
        rng = self.rng
        given, family = person.given, person.family
        variants = self.equivalents.get(_fold(given), [])
        if variants and happens("nickname"):
            given = rng.choice(variants).title()
        if _has_accents(given) and happens("given_accents_dropped"):
            given = strip_accents(given)
        if "-" in given and happens("given_hyphen"):
            parts = given.split("-")
            given = rng.choice(
                (
                    " ".join(parts),
                    parts[0],
                    "".join(p[0] for p in parts).upper(),
                    ".-".join(p[0] for p in parts) + ".",
                )
            )
        if happens("given_initial"):
            given = given[0] + ("." if rng.random() < 0.5 else "")
        if len(given) > 3 and happens("given_typo"):
            given = typo(rng, given)
        if happens("married_hyphenated"):
            other = self._family(french=person.french)
            family = f"{family}-{other}" if rng.random() < 0.5 else f"{other}-{family}"
        elif happens("married_replaced"):
            family = self._family(french=person.french)
        if happens("family_typo"):
            family = typo(rng, family)
        if _has_accents(family) and happens("family_accents_dropped"):
            family = strip_accents(family)
        saints = [(a, b) for a, b in (("St-", "Saint-"), ("Ste-", "Sainte-")) if a in family] + [
            (b, a) for a, b in (("St-", "Saint-"), ("Ste-", "Sainte-")) if b in family
        ]
        if saints and happens("family_saint"):
            a, b = saints[0]
            family = family.replace(a, b)
        if happens("family_upper"):
            family = family.upper()
        if happens("swapped_names"):
            given, family = family, given
        person.given, person.family = given, family
        if happens("new_email"):
            person.email = self._person_email(given, family, person.born)
        born = person.born
        if (
            born is not None
            and born.day <= 12
            and born.day != born.month
            and happens("dob_day_month")
        ):
            born = date(born.year, born.day, born.month)
        elif born is not None and happens("dob_typo"):
            text = born.strftime("%Y%m%d")
            for _ in range(10):
                at = rng.randrange(2, 8)
                candidate = text[:at] + str(rng.randrange(10)) + text[at + 1 :]
                try:
                    if candidate != text:
                        born = date(int(candidate[:4]), int(candidate[4:6]), int(candidate[6:]))
                        break
                except ValueError:
                    continue
        person.born = born

    def _perturb_organization(self, organization: _Entity, happens: Callable[[str], bool]) -> None:
        rng = self.rng
        name = organization.organization
        words = name.split()
        legal = next((form for form in LEGAL_FORMS if words and words[-1] == form), None)
        if legal is not None and happens("legal_form"):
            name = " ".join([*words[:-1], rng.choice(LEGAL_FORMS[legal])])
        elif legal is not None and happens("legal_form_dropped"):
            name = " ".join(words[:-1])
        if _has_accents(name) and happens("accents_dropped"):
            name = strip_accents(name)
        joiners = [w for w in (" & ", " et ", " and ") if w in name]
        if joiners and happens("and_word"):
            name = name.replace(joiners[0], rng.choice([" & ", " et ", " and "]))
        if happens("upper"):
            name = name.upper()
        if happens("typo"):
            name = typo(rng, name)
        organization.organization = name
        if organization.email and happens("other_role_email"):
            domain = organization.email.split("@")[1]
            organization.email = self._email(rng.choice(_ROLES), domain)


def generate(seed: int, records: int) -> Labelled:
    """About ``records`` labelled records (stops at the first entity that reaches it)."""
    generator = Generator(seed)
    rng = generator.rng
    rows: list[Row] = []
    entities: list[_Entity] = []
    next_entity = 0
    while len(rows) < records:
        first = generator.entity(next_entity)
        next_entity += 1
        group = [first]
        if first.kind == "person" and rng.random() < HOUSEHOLD_SHARE:
            first.household = first.id
            for _ in range(_weighted(rng, HOUSEHOLD_SIZES)):
                group.append(generator.household_member(group, next_entity))
                next_entity += 1
        for entity in group:
            entities.append(entity)
            rows.append(generator.row(entity, len(rows)))
            for _ in range(_weighted(rng, EXTRA_RECORDS)):
                rows.append(generator.again(entity, len(rows)))
    # Record ids in random order, so that a record's id tells nothing of its entity.
    ids = list(range(len(rows)))
    rng.shuffle(ids)
    rows = [replace(row, id=ids[row.id]) for row in rows]
    rows.sort(key=lambda row: row.id)
    return Labelled(rows)
