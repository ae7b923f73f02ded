"""Files sent with a case: the type decided by the bytes, the size bounded, the name made safe,
stored under the private root, and served as a download only to staff who may see the case."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation

from comptoir.casework import attachments
from comptoir.casework.errors import CaseError
from comptoir.casework.models import Attachment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office(folder: str, *, macro: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<document/>")
        if macro:
            archive.writestr(f"{folder}vbaProject.bin", b"\x00")
    return buffer.getvalue()


def opendocument(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", "<office:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (PDF, "a.pdf", "application/pdf"),
        (PNG, "a.png", "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 16, "a.jpg", "image/jpeg"),
        (b"GIF89a" + b"\x00" * 16, "a.gif", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "a.webp", "image/webp"),
        ("Année;Valeur\n2024;12\n".encode(), "t.csv", "text/csv"),
        (b"Bonjour, voici ma question.\n", "note.txt", "text/plain"),
        (
            office("word/"),
            "a.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            office("xl/"),
            "a.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            opendocument("application/vnd.oasis.opendocument.text"),
            "a.odt",
            "application/vnd.oasis.opendocument.text",
        ),
    ],
)
def test_accepted_types_are_read_from_the_content(data, name, expected):
    assert attachments.check_attachment(name, data).content_type == expected


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "report.pdf"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "image.png"),
        (b"  <html><body>hi</body></html>", "notes.txt"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "setup.pdf"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "tool.txt"),
        (office("word/", macro=True), "letter.docx"),
        (opendocument("application/x-evil"), "a.odt"),
        (b"PK\x03\x04not really a zip", "a.docx"),
        (b"text with a NUL\x00 inside", "a.txt"),
        (b"\xff\xfe\x00\x00 not utf-8 \xc3", "a.txt"),
    ],
)
def test_refused_types_whatever_their_name(data, name):
    with pytest.raises(CaseError) as caught:
        attachments.check_attachment(name, data)
    assert caught.value.code == "attachment_type"


def test_the_refusal_is_translated():
    with pytest.raises(CaseError) as caught:
        attachments.check_attachment("rapport.pdf", b"<html><body>x</body></html>")
    with translation.override("fr"):
        message = str(caught.value)
    assert "n’est pas d’un type que nous acceptons" in message
    assert "rapport.pdf" in message


def test_size_is_bounded(settings):
    settings.COMPTOIR_ATTACHMENT_MAX_BYTES = 100
    assert attachments.check_attachment("a.pdf", PDF + b" " * 40).size == len(PDF) + 40
    with pytest.raises(CaseError) as caught:
        attachments.check_attachment("a.pdf", PDF + b" " * 100)
    assert caught.value.code == "attachment_too_large"
    with pytest.raises(CaseError) as caught:
        attachments.check_attachment("a.pdf", b"")
    assert caught.value.code == "attachment_empty"


@pytest.mark.parametrize(
    ("given", "content_type", "safe"),
    [
        ("../../etc/passwd.pdf", "application/pdf", "passwd.pdf"),
        ("C:\\Users\\me\\Rapport final.PDF", "application/pdf", "Rapport final.pdf"),
        ("report.html", "application/pdf", "report.html.pdf"),
        ('a<b>"c|d?.png', "image/png", "abcd.png"),
        ("...", "image/png", "file.png"),
        ("x" * 400 + ".csv", "text/csv", "x" * 146 + ".csv"),
        ("photo.jpeg", "image/jpeg", "photo.jpeg"),
    ],
)
def test_names_are_made_safe(given, content_type, safe):
    assert attachments.safe_filename(given, content_type) == safe


def test_store_writes_under_the_private_root(make_case, unit, officer, private_root, settings):
    case = make_case(unit, officer)
    attachment = attachments.store_attachment(
        case, filename="../Relevé.pdf", data=PDF, source="portal"
    )
    assert attachment.filename == "Relevé.pdf"
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    stored = private_root / attachment.stored_name
    assert stored.read_bytes() == PDF
    assert str(settings.MEDIA_ROOT) not in str(stored)
    assert not Attachment._meta.get_field("stored_name").editable


def test_a_refused_file_stores_nothing(make_case, unit, officer, private_root):
    case = make_case(unit, officer)
    with pytest.raises(CaseError):
        attachments.store_attachment(case, filename="x.pdf", data=b"<html></html>", source="portal")
    assert Attachment.objects.count() == 0
    assert not private_root.exists() or not any(p.is_file() for p in private_root.rglob("*"))


def test_staff_download_only_for_who_sees_the_case(
    client, make_case, unit, officer, make_unit, make_member
):
    case = make_case(unit, officer)
    attachment = attachments.store_attachment(
        case, filename="tableau.csv", data=b"a,b\n1,2\n", source="email"
    )
    url = reverse("casework:attachment_file", args=[case.reference, attachment.pk])
    assert client.get(url).status_code == 302  # sign in first
    elsewhere = make_member(make_unit("other"), username="oscar")
    client.force_login(elsewhere)
    assert client.get(url).status_code == 404
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"a,b\n1,2\n"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    other = reverse("casework:attachment_file", args=[case.reference, attachment.pk + 1])
    assert client.get(other).status_code == 404


def test_the_case_page_lists_the_files_with_their_download(client, make_case, unit, officer):
    case = make_case(unit, officer)
    page = reverse("casework:case_detail", args=[case.reference])
    client.force_login(officer)
    assert 'id="files"' not in client.get(page).content.decode()  # no file, no section
    attachment = attachments.store_attachment(case, filename="photo.png", data=PNG, source="portal")
    with translation.override("fr"):
        text = client.get(reverse("casework:case_detail", args=[case.reference])).content.decode()
    assert '<h2 id="files">Fichiers</h2>' in text
    assert reverse("casework:attachment_file", args=[case.reference, attachment.pk])[3:] in text
    assert "photo.png" in text
