"""Words as the search index sees them: plain Python, no Django (it can move to ``comptoir.core``).

The same functions read the indexed text and the typed query, so the two always agree:

- :func:`fold`: lower case, accents and ligatures removed (``"Gagné"`` → ``"gagne"``,
  ``"Œuvre"`` → ``"oeuvre"``);
- :func:`words`: the words of a text (letters and digits: ``"613-555-0100"`` gives ``613``,
  ``555``, ``0100``, as SQLite's ``unicode61`` tokenizer splits them);
- :func:`forms`: a folded word, its English stem and its French stem (Snowball, via the
  ``snowballstemmer`` package), so that ``"statistiques"`` and ``"statistique"`` share
  ``statist`` and ``"tabulations"`` and ``"tabulation"`` share ``tabul``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

#: Letters that Unicode does not decompose into a base letter and an accent.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ı": "i"})
_WORD = re.compile(r"\w+")
#: At most this many words of a query are searched (more is not a search, it is a paste).
MAX_QUERY_WORDS = 12

_ENGLISH = snowballstemmer.stemmer("english")
_FRENCH = snowballstemmer.stemmer("french")


def fold(text: str) -> str:
    """Lower case without accents: ``"Émilie GAGNÉ"`` → ``"emilie gagne"``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    return [word.replace("_", "") for word in _WORD.findall(fold(text)) if word.strip("_")]


@lru_cache(maxsize=100_000)
def forms(word: str) -> tuple[str, ...]:
    """A folded word and its English and French stems, each once: ``"statistiques"`` →
    ``("statistiques", "statistiqu", "statist")``."""
    found = [word, _ENGLISH.stemWord(word), _FRENCH.stemWord(word)]
    return tuple(dict.fromkeys(form for form in found if form))


def index_text(text: str) -> str:
    """What the embedded index stores for ``text``: every word's forms, separated by spaces."""
    return " ".join(form for word in words(text) for form in forms(word))


def query_terms(text: str) -> list[tuple[str, ...]]:
    """The forms of each word of a query (at most :data:`MAX_QUERY_WORDS`, each once)."""
    unique = list(dict.fromkeys(words(text)))[:MAX_QUERY_WORDS]
    return [forms(word) for word in unique]


def fts5_query(text: str) -> str:
    """An FTS5 ``MATCH`` expression: every word of the query, each by any of its forms
    (``("gagne" OR "gagn") AND ...``). Forms are letters and digits only, quoted anyway."""
    groups = [" OR ".join(f'"{form}"' for form in group) for group in query_terms(text)]
    return " AND ".join(f"({group})" for group in groups)


@dataclass(frozen=True)
class Fragment:
    """A piece of a snippet; ``matched`` when it is a word of the query."""

    text: str
    matched: bool


def snippet(text: str, query: str, *, width: int = 30) -> list[Fragment]:
    """About ``width`` words of ``text`` around the first word that matches the query (by any of
    its forms), the matching words marked; the start of the text when nothing matches."""
    wanted = {form for group in query_terms(query) for form in group}
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    if not spans:
        return []
    matched = [bool(wanted.intersection(_forms_of(text[a:b]))) for a, b in spans]
    first = next((i for i, hit in enumerate(matched) if hit), 0)
    start = max(0, first - width // 3)
    end = min(len(spans), start + width)
    pieces: list[Fragment] = []
    if start > 0:
        pieces.append(Fragment("… ", matched=False))
    cursor = spans[start][0]
    for i in range(start, end):
        a, b = spans[i]
        if a > cursor:
            pieces.append(Fragment(text[cursor:a], matched=False))
        pieces.append(Fragment(text[a:b], matched=matched[i]))
        cursor = b
    if end < len(spans):
        pieces.append(Fragment(" …", matched=False))
    return _merged(pieces)


def _forms_of(word: str) -> Iterator[str]:
    for folded in words(word):
        yield from forms(folded)


def _merged(pieces: list[Fragment]) -> list[Fragment]:
    merged: list[Fragment] = []
    for piece in pieces:
        if merged and merged[-1].matched == piece.matched:
            merged[-1] = Fragment(merged[-1].text + piece.text, matched=piece.matched)
        else:
            merged.append(piece)
    return merged


_DIGIT_SEPARATORS = re.compile(r"(?<=\d)[\s().\-]+(?=\d)")


def websearch_text(text: str) -> str:
    """``text`` for PostgreSQL's ``websearch_to_tsquery``: a number typed with separators
    (``613-555-0199``, ``(613) 555 0199``, ``+1 613…``) becomes the one token the index holds
    (``6135550199``), instead of ``-555`` read as "without 555"."""
    collapsed = _DIGIT_SEPARATORS.sub("", text)
    return re.sub(r"(?<![\w])\+(?=\d)", "", collapsed)
