"""Text of a message: HTML without markup, quoted replies trimmed, the language guessed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.core.mail import guess_language, html_to_text, trim_quoted_reply


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>Hello</p><p>World</p>", "Hello\n\nWorld"),
        ("Line one<br>Line two<br/>Three", "Line one\nLine two\nThree"),
        ("<ul><li>a</li><li>b</li></ul>", "a\n\nb"),
        ("<html><head><title>T</title><style>p{color:red}</style></head><body>Hi</body></html>",
         "Hi"),
        ("<p>x<script>alert(1)</script>y</p>", "xy"),
        ("<p>Caf&eacute; &amp; th&eacute;&nbsp;!</p>", "Café & thé !"),
        ("<!-- hidden --><div>shown</div>", "shown"),
        ("<table><tr><td>a</td><td>b</td></tr></table>", "a b"),
        ("<img src=x onerror=alert(1)>after", "after"),
    ],
)  # fmt: skip
def test_html_to_text(html, expected) -> None:
    assert html_to_text(html) == expected


tags = st.sampled_from(["p", "div", "b", "i", "a", "span", "script", "style", "li", "br", "img"])
fragments = st.one_of(
    st.text(st.characters(exclude_characters="<>&", exclude_categories=("Cs",)), max_size=12),
    tags.map(lambda tag: f"<{tag} class='x' onclick=\"go()\">"),
    tags.map(lambda tag: f"</{tag}>"),
)


@given(st.lists(fragments, max_size=20))
def test_no_tag_survives(parts) -> None:
    text = html_to_text("".join(parts))
    assert "<" not in text and ">" not in text
    assert "onclick" not in text


REPLY_EN = """Here is the invoice you asked for.

Élise

On Mon, Mar 2, 2026 at 9:00 AM Comptoir <comptoir@example.gc.ca> wrote:
> We need your invoice.
>
> Reference 060G-YJME"""

REPLY_FR = """Voici la facture.

Le lun. 2 mars 2026 à 09 h 00, Comptoir <comptoir@example.gc.ca> a écrit :
> Il nous faut votre facture."""

OUTLOOK = """See attached.

-----Original Message-----
From: Comptoir
Sent: Monday
We need your invoice."""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (REPLY_EN, "Here is the invoice you asked for.\n\nÉlise"),
        (REPLY_FR, "Voici la facture."),
        (OUTLOOK, "See attached."),
        ("New text\n> quoted\n> more", "New text"),
        ("Nothing quoted.", "Nothing quoted."),
        ("> only quoted", "> only quoted"),
        ("On Monday you wrote:\n> x", "On Monday you wrote:"),  # nothing before it: kept
    ],
)
def test_trim_quoted_reply(text, expected) -> None:
    assert trim_quoted_reply(text) == expected


@given(st.text(max_size=200))
def test_trimming_never_empties_a_text(text) -> None:
    trimmed = trim_quoted_reply(text)
    assert bool(trimmed) == bool(text.strip())
    assert len(trimmed) <= len(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, I would like to know where my request is. Thank you.", "en"),
        ("Bonjour, je voudrais savoir où en est ma demande. Merci de votre aide.", "fr"),
        ("OK", None),
        ("", None),
        ("Le the la and", None),
    ],
)
def test_guess_language(text, expected) -> None:
    assert guess_language(text) == expected
