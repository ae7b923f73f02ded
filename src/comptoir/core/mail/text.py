"""The words of a message: HTML turned into plain text, the quoted earlier message left out,
and a guess at its language.

:func:`html_to_text` keeps no markup at all: it reads the document with the standard library's
HTML parser, drops what a person does not read (``script``, ``style``, ``head``, comments), writes
line breaks where blocks end and decodes entities, so that what is stored and shown later is text
that no browser would run. :func:`trim_quoted_reply` removes the part of a reply that repeats the
message it answers ("On Monday, Comptoir wrote:", "Le lundi, Comptoir a écrit :", lines that begin
with ``>``, Outlook's "-----Original Message-----"), so the case timeline shows what is new.
:func:`guess_language` counts common English and French words.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["guess_language", "html_to_text", "trim_quoted_reply"]

#: Elements whose content is never text a person reads.
_HIDDEN = frozenset({"script", "style", "head", "title", "template", "noscript", "svg", "math"})
#: Elements that end a line (or a paragraph) of text.
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul",
    }
)  # fmt: skip
_SPACES = re.compile(r"[ \t\f\v\r\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden_depth += 1
        elif tag == "br" or tag in _BLOCKS:
            self.parts.append("\n")
        elif tag in {"td", "th"}:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "hr"}:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden_depth = max(0, self.hidden_depth - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth:
            self.parts.append(data)


def _tidy(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    """The text a person reads in ``html``, with no tag, comment or script left."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    text = "".join(collector.parts)
    # A "<" the parser left as text (an unclosed tag at the end) stays text: escaped nowhere,
    # shown as text everywhere; but no tag survives, since every tag went to the handlers.
    return _tidy(text)


#: The line that introduces a quoted message, in English and French, as mail clients write it.
_ATTRIBUTION = re.compile(
    r"^\s*(?:On\s.{1,200}\swrote:|Le\s.{1,200}\sa\s+[ée]crit\s*:|"
    r"-{2,}\s*(?:Original Message|Message d'origine|Message original)\s*-{2,}|"
    r"_{10,}|From:\s.+|De\s*:\s.+)\s*$",
    re.IGNORECASE,
)


def trim_quoted_reply(text: str) -> str:
    """``text`` without the earlier message it quotes: cut at the first attribution line
    ("On ... wrote:", "Le ... a écrit :", an "Original Message" rule, an Outlook ``From:``
    header block) that is followed only by quoted or header lines and the rest of the thread,
    and without trailing ``>`` lines. The whole text when nothing new would be left."""
    lines = text.replace("\r\n", "\n").split("\n")
    cut = len(lines)
    for index, line in enumerate(lines):
        if _ATTRIBUTION.match(line) and index > 0:
            cut = index
            break
    kept = lines[:cut]
    while kept and (kept[-1].lstrip().startswith(">") or not kept[-1].strip()):
        kept.pop()
    result = "\n".join(kept).strip()
    return result or text.strip()


_WORDS = re.compile(r"[a-zàâçéèêëîïôûùüÿœæ']+")
_ENGLISH = frozenset(
    "the and is are to of for you your my i we it this that with have has not please thank "  # noqa: SIM905 - a word list
    "thanks would could can will be was in hello hi regards dear sincerely".split()
)
_FRENCH = frozenset(
    "le la les et est sont de des du pour vous votre mon ma mes je nous ce cette avec avoir "  # noqa: SIM905 - a word list
    "pas merci bonjour svp serait pourriez pouvez sera été sur dans une un cordialement "
    "salutations j'ai c'est qu'il madame monsieur".split()
)


def guess_language(text: str) -> str | None:
    """``"en"`` or ``"fr"`` when the common words of one language clearly outnumber the other's
    (at least three, and twice as many), else ``None``."""
    words = _WORDS.findall(text.lower())
    english = sum(word in _ENGLISH for word in words)
    french = sum(word in _FRENCH for word in words)
    if english >= 3 and english >= 2 * french:
        return "en"
    if french >= 3 and french >= 2 * english:
        return "fr"
    return None
