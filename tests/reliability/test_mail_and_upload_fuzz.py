"""Inbound mail and uploads fed bad input (hypothesis).

Mail: random bytes, and messages built by hand so that they can be wrong in ways the standard
library would not write: nested multiparts, unknown or lying charsets, broken base64, huge
headers, NULs. ``notifications.inbound.ingest`` must record every one (it never raises on bad
mail), with one of its verdicts, and leave no file on disk without its attachment row.

Uploads: ``casework.attachments.store_attachment`` with random names, sizes, contents and
sources either stores the file and its row, or refuses with a translated ``CaseError`` and stores
neither.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.notifications.inbound_builders import (  # noqa: F401 - fixtures
    client_case,
    known_client,
    mail_service,
    make_case,
    make_member,
    make_unit,
    officer,
    organization,
    service,
    unit,
)

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

CHARSETS = ["utf-8", "us-ascii", "iso-8859-1", "utf-7", "x-no-such-charset", "utf-16", "", '"']
ENCODINGS = ["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "binary", "bogus"]
words = st.text(max_size=60)
header_values = st.one_of(
    words, st.just("x" * 100_000), st.just("=?x-bad?B?////?="), st.just("=?utf-8?Q?=FF=FE?=")
)


def _body(draw: Any, depth: int) -> str:
    """One MIME part as text: a leaf of bad content, or a multipart holding more parts."""
    if depth > 0 and draw(st.booleans()):
        boundary = draw(st.sampled_from(["b", "==x==", "", "a" * 80]))
        parts = [_body(draw, depth - 1) for _ in range(draw(st.integers(0, 3)))]
        inner = "".join(f"--{boundary}\r\n{p}\r\n" for p in parts)
        closing = draw(st.sampled_from([f"--{boundary}--\r\n", ""]))  # unclosed multiparts too
        subtype = draw(st.sampled_from(["mixed", "alternative", "related", "report", "digest"]))
        return f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n{inner}{closing}'
    kind = draw(
        st.sampled_from(
            ["text/plain", "text/html", "application/pdf", "image/png", "message/rfc822", "x/y"]
        )
    )
    charset = draw(st.sampled_from(CHARSETS))
    encoding = draw(st.sampled_from(ENCODINGS))
    disposition = draw(
        st.sampled_from(["", "attachment", 'attachment; filename="../../etc/passwd"', "inline"])
    )
    name = draw(st.text(max_size=30))
    content = draw(st.one_of(words, st.just("////\r\n=FF=\r\n%PDF-1.7\r\n"), st.just("\x00" * 10)))
    headers = f'Content-Type: {kind}; charset={charset}; name="{name}"\r\n'
    headers += f"Content-Transfer-Encoding: {encoding}\r\n"
    if disposition:
        headers += f"Content-Disposition: {disposition}\r\n"
    return f"{headers}\r\n{content}"


@st.composite
def raw_messages(draw: Any) -> bytes:
    if draw(st.integers(0, 4)) == 0:
        return draw(st.binary(max_size=3000))
    lines = [
        f"From: {draw(st.sampled_from(['', 'a@example.ca', '<>', 'x' * 500, 'Élise <é@é>']))}",
        f"Subject: {draw(header_values)}",
        f"Message-ID: {draw(st.sampled_from(['', '<a@b>', '<' * 50, 'x' * 2000]))}",
        f"In-Reply-To: {draw(header_values)}",
        f"Content-Language: {draw(st.sampled_from(['fr', 'en', 'xx', '', 'fr-CA, en']))}",
    ]
    lines += [f"{draw(st.sampled_from(['X-A', 'Received', 'Auto-Submitted']))}: {draw(words)}"
              for _ in range(draw(st.integers(0, 3)))]  # fmt: skip
    text = "\r\n".join(lines) + "\r\n" + _body(draw, depth=draw(st.integers(0, 6)))
    encoding = draw(st.sampled_from(["utf-8", "latin-1", "utf-16"]))
    return text.encode(encoding, errors="replace")


def _files_on_disk(root: Path) -> set[str]:
    if not root.exists():
        return set()
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_bad_mail_is_recorded_never_raised_and_leaves_no_orphan_file(
    mail_service: Any,  # noqa: F811
    private_root: Path,
) -> None:
    from comptoir.casework.models import Attachment
    from comptoir.notifications.inbound import ingest
    from comptoir.notifications.models import InboundMessage, InboundVerdict

    verdicts: list[str] = []

    @FUZZ
    @given(raw=raw_messages())
    def check(raw: bytes) -> None:
        message = ingest(raw, source="file")
        assert message.verdict in InboundVerdict.values
        verdicts.append(message.verdict)
        stored = set(Attachment.objects.values_list("stored_name", flat=True))
        assert _files_on_disk(Path(private_root)) == stored

    check()
    assert InboundMessage.objects.filter(verdict__in=verdicts).exists()


def test_a_deeply_nested_message_is_recorded(
    mail_service: Any,  # noqa: F811
    private_root: Path,
) -> None:
    from comptoir.notifications.inbound import ingest

    depth = 200
    text = "From: a@example.ca\r\nSubject: nested\r\n"
    for level in range(depth):
        text += f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n--b{level}\r\n'
    text += "Content-Type: text/plain\r\n\r\nhello\r\n"
    message = ingest(text.encode(), source="file")
    assert message.pk is not None


@st.composite
def uploads(draw: Any) -> tuple[str, bytes, str]:
    name = draw(
        st.one_of(
            st.text(max_size=300),
            st.sampled_from(["../../x.pdf", "C:\\boot.ini", "a.pdf.exe", ".htaccess", "\x00.txt"]),
        )
    )
    head = draw(
        st.sampled_from([b"", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04", b"<html>", b"MZ"])
    )
    data = head + draw(st.binary(max_size=2000))
    if draw(st.integers(0, 9)) == 0:
        data = b"x" * 70_000  # over the limit the test sets
    source = draw(st.sampled_from(["staff", "portal", "email", "bogus", ""]))
    return name, data, source


def test_uploads_are_stored_whole_or_refused_with_nothing_written(
    client_case: Any,  # noqa: F811
    private_root: Path,
    settings: Any,
) -> None:
    from django.utils import translation

    from comptoir.casework.attachments import store_attachment
    from comptoir.casework.errors import CaseError
    from comptoir.casework.models import Attachment, AttachmentSource

    settings.COMPTOIR_ATTACHMENT_MAX_BYTES = 64_000
    outcomes: list[str] = []

    @FUZZ
    @given(upload=uploads())
    def check(upload: tuple[str, bytes, str]) -> None:
        name, data, source = upload
        before = Attachment.objects.count()
        files_before = _files_on_disk(Path(private_root))
        try:
            attachment = store_attachment(client_case, filename=name, data=data, source=source)
        except CaseError as error:
            outcomes.append("refused")
            assert Attachment.objects.count() == before
            assert _files_on_disk(Path(private_root)) == files_before
            with translation.override("fr"):
                french = str(error.messages[0])
            with translation.override("en"):
                english = str(error.messages[0])
            assert french and english and french != english
            return
        outcomes.append("stored")
        assert source in AttachmentSource.values
        assert len(data) <= 64_000
        assert "/" not in attachment.filename and "\\" not in attachment.filename
        assert _files_on_disk(Path(private_root)) == files_before | {attachment.stored_name}

    check()
    assert "refused" in outcomes


def test_undecodable_bytes_in_a_header_are_stored_as_replacement_characters(
    mail_service: Any,  # noqa: F811
    private_root: Path,
) -> None:
    """Found by the fuzzing above: 8-bit bytes in a header came out of the parser as lone
    surrogates, which the database refused (a crash instead of a record)."""
    from comptoir.notifications.inbound import ingest

    raw = (
        b"From: a@example.ca\r\nSubject: Facture \xe9\xff pay\xe9e\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nBonjour\r\n"
    )
    message = ingest(raw, source="file")
    message.refresh_from_db()
    assert message.subject.startswith("Facture ")
    assert "\ufffd" in message.subject
    # The same bytes in a header that marks automatic mail, which ``detail`` quotes.
    automatic = ingest(b"Auto-Submitted: auto-replied \xe9\xff\r\n" + raw, source="file")
    automatic.refresh_from_db()
    assert automatic.verdict == "auto_reply"
    assert "\ufffd" in automatic.detail


@pytest.fixture
def portal_service(service: Any, unit: Any) -> Any:  # noqa: F811
    """A service the portal form offers: a record naming it and its responsible unit."""
    from comptoir.inventory.models import FiscalYear, ServiceYear
    from tests.conftest import VALID_SERVICE_CELLS

    year, _ = FiscalYear.objects.get_or_create(organization=service.organization, code="2025-2026")
    ServiceYear.objects.create(
        service=service, fiscal_year=year, responsible_unit=unit, **VALID_SERVICE_CELLS
    )
    return service


def test_the_portal_form_takes_its_files_whole_or_refuses_them_with_nothing_written(
    client: Any,
    portal_service: Any,
    private_root: Path,
    settings: Any,
) -> None:
    """Files sent through the public form (``portal_submit``): the case and every file, or a
    page with the errors and no case, no attachment row and no file on disk."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.http.multipartparser import MultiPartParser
    from django.urls import reverse
    from django.utils import translation

    from comptoir.casework.models import Attachment, Case

    settings.COMPTOIR_ATTACHMENT_MAX_BYTES = 64_000
    settings.COMPTOIR_ATTACHMENTS_PER_MESSAGE = 2
    settings.COMPTOIR_PORTAL_SUBMIT_LIMIT = (10**6, 600)
    with translation.override("fr"):
        address = reverse("portal_submit")
    outcomes: list[str] = []

    @settings_for_portal
    @given(files=st.lists(uploads(), max_size=3))
    def check(files: list[tuple[str, bytes, str]]) -> None:
        cases, rows = Case.objects.count(), Attachment.objects.count()
        disk = _files_on_disk(Path(private_root))
        documents = [SimpleUploadedFile(name or "x", data) for name, data, _source in files]
        data = {
            "kind": "enquiry",
            "service": str(portal_service.pk),
            "given_name": "Élise",
            "family_name": "Tremblay",
            "email": "elise@example.ca",
            "language": "fr",
            "contact_preference": "email",
            "description": "Voici mes pièces.",
            "website": "",
            "documents": documents,
        }
        response = client.post(address, data)
        # 400: Django's own refusal of a part whose headers pass 1,024 bytes (a long name).
        assert response.status_code in {200, 302, 400}, response.status_code
        if response.status_code == 302:
            outcomes.append("stored")
            assert Case.objects.count() == cases + 1
            # Django drops, before any view, a file whose name is only a path or dots.
            sent = [d for d in documents if MultiPartParser.sanitize_file_name(None, d.name)]
            assert Attachment.objects.count() == rows + len(sent)
            return
        outcomes.append("refused")
        if response.status_code == 200:
            assert "error" in response.content.decode()
        assert Case.objects.count() == cases and Attachment.objects.count() == rows
        assert _files_on_disk(Path(private_root)) == disk

    check()
    assert "refused" in outcomes


settings_for_portal = settings(
    max_examples=25,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
