"""Files sent with a case: checked by their content, stored outside the web root, served only to
whoever may see the case, always as a download.

:func:`check_attachment` reads the bytes and decides the type from them (magic numbers, the inner
names of an Office or OpenDocument zip, UTF-8 text without NUL); the name and type the sender gave
are not trusted. HTML, SVG, scripts, executables and anything not on the list are refused: a
browser could run them, and none is a document a client needs to send. :func:`store_attachment`
checks, then writes the file under ``COMPTOIR_PRIVATE_MEDIA_ROOT`` and its row; a refusal raises
:class:`~comptoir.casework.errors.CaseError` (translated) and stores nothing.

:func:`attachment_response` is the one way a file leaves: ``Content-Disposition: attachment``,
``X-Content-Type-Options: nosniff``, the detected type (never ``text/html``) and a sandboxing
Content Security Policy, whoever asked. Who may ask is the caller's check: staff through
``Case.objects.visible_to`` (:func:`access_attachment`), the client through their status token
(``comptoir.portal``).
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from comptoir.casework.errors import CaseError
from comptoir.casework.models import Attachment, AttachmentSource, Case, CaseEvent
from comptoir.casework.models.attachments import private_storage

if TYPE_CHECKING:
    from comptoir.inventory.models.scope import AnyUser

#: The detected type → the file name endings that type may keep (the first is added otherwise).
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "text/plain": (".txt", ".text", ".log", ".md"),
    "text/csv": (".csv",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
    "application/vnd.oasis.opendocument.presentation": (".odp",),
}
#: What an Office Open XML package holds, by the folder of its main part.
_OOXML_FOLDERS = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
#: Markup a browser would render or run, refused at the start of a "text" file.
_MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|\?xml)", re.I)
_UNSAFE_NAME_CHARACTERS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_SPACES = re.compile(r"\s+")
#: How much of a zip's ``mimetype`` member is read (its whole value is a few dozen bytes).
_MIMETYPE_BYTES = 100
#: How many members of a zip are looked at (a document has dozens; a zip bomb may list millions).
_ZIP_MEMBERS = 5_000
MAX_FILENAME = 150


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """A file that passed the checks: its safe name, detected type, size and SHA-256."""

    filename: str
    content_type: str
    size: int
    sha256: str


def max_bytes() -> int:
    return int(settings.COMPTOIR_ATTACHMENT_MAX_BYTES)


def max_files() -> int:
    return int(settings.COMPTOIR_ATTACHMENTS_PER_MESSAGE)


def megabytes(size: int) -> str:
    """A size in MB for a sentence, in the reader's number format ("10", "2,5" in French)."""
    value = round(size / (1024 * 1024), 1)
    return formats.localize(int(value) if value.is_integer() else value)


def _refuse(message: object, code: str, **params: object) -> CaseError:
    return CaseError(message, code=code, params=params)


def _zip_type(data: bytes) -> str | None:
    """The type of an Office Open XML or OpenDocument file, from the names inside the zip; a
    macro-enabled document (``vbaProject.bin``) or any other zip is not one of ours."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > _ZIP_MEMBERS:
                return None
            names = {info.filename for info in infos}
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    declared = member.read(_MIMETYPE_BYTES).decode("ascii", "replace").strip()
                if declared in EXTENSIONS and declared.startswith("application/vnd.oasis"):
                    return declared
                return None
            if "[Content_Types].xml" not in names:
                return None
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None
            for folder, content_type in _OOXML_FOLDERS.items():
                if any(name.startswith(folder) for name in names):
                    return content_type
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, KeyError):
        return None
    return None


def _text_type(data: bytes, filename: str) -> str | None:
    """UTF-8 text with no NUL and no markup at its start: CSV when named so, else plain text."""
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    head = text.lstrip("\ufeff \t\r\n").encode()[:1024]
    if head.startswith(b"<") or _MARKUP.search(data[:4096]):
        return None
    if any(unicodedata.category(c) == "Cc" and c not in "\t\r\n\f" for c in text[:4096]):
        return None
    return "text/csv" if filename.lower().endswith(".csv") else "text/plain"


def detect_type(data: bytes, filename: str = "") -> str | None:
    """The type of ``data`` by its content, or ``None`` when it is not one Comptoir accepts."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    return _text_type(data, filename)


def safe_filename(name: str, content_type: str) -> str:
    """The sender's name without any path, control or reserved character, at most
    :data:`MAX_FILENAME` characters, ending as its detected type does (``.pdf`` is added to a
    PDF named ``report.html``)."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE_NAME_CHARACTERS.sub("", name)
    name = _SPACES.sub(" ", name).strip().lstrip(".").strip()
    endings = EXTENSIONS[content_type]
    stem, dot, ending = name.rpartition(".")
    if not dot or f".{ending.lower()}" not in endings:
        stem, ending = name, endings[0][1:]
    stem = stem[: MAX_FILENAME - len(ending) - 1].strip() or str(_("file"))
    return f"{stem}.{ending.lower()}"


def _shown(filename: str) -> str:
    return re.split(r"[/\\]", filename or "")[-1][:100]


def check_size(filename: str, size: int) -> None:
    """Refuse an empty file or one larger than ``COMPTOIR_ATTACHMENT_MAX_BYTES`` (a form checks
    an upload's announced size before reading it)."""
    limit = max_bytes()
    if size <= 0:
        raise _refuse(_("The file %(name)s is empty."), "attachment_empty", name=_shown(filename))
    if size > limit:
        raise _refuse(
            _("The file %(name)s is larger than %(limit)s MB."),
            "attachment_too_large",
            name=_shown(filename),
            limit=megabytes(limit),
        )


def check_attachment(filename: str, data: bytes) -> CheckedFile:
    """Check one file (size, then type by content) without storing anything."""
    check_size(filename, len(data))
    shown = _shown(filename)
    content_type = detect_type(data, filename or "")
    if content_type is None:
        raise _refuse(
            _(
                "The file %(name)s is not of a type we accept. Send a PDF, an image (PNG, JPEG, "
                "GIF, WebP), a text or CSV file, or a Word, Excel, PowerPoint or OpenDocument "
                "file."
            ),
            "attachment_type",
            name=shown,
        )
    return CheckedFile(
        filename=safe_filename(filename, content_type),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def check_attachment_count(count: int) -> None:
    if count > max_files():
        raise _refuse(
            _("Send at most %(limit)s files at a time."), "attachment_count", limit=max_files()
        )


def store_attachment(
    case: Case,
    *,
    filename: str,
    data: bytes,
    source: str,
    event: CaseEvent | None = None,
) -> Attachment:
    """Check ``data`` (:func:`check_attachment`), write it under the private root and record
    it against ``case`` (and the event it came with). The file is removed again if the row
    cannot be written, or if the surrounding transaction rolls back."""
    if source not in AttachmentSource.values:
        raise _refuse(_("This value is not one of the choices."), "invalid_source")
    if event is not None and event.case_id != case.pk:
        raise _refuse(_("The event is not one of this case."), "event_elsewhere")
    checked = check_attachment(filename, data)
    storage = private_storage()
    ending = checked.filename.rpartition(".")[2]
    stored = storage.save(f"cases/{case.pk}/{uuid.uuid4().hex}.{ending}", ContentFile(data))
    try:
        with transaction.atomic():
            return Attachment.objects.create(
                case=case,
                event=event,
                filename=checked.filename,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                stored_name=stored,
                source=source,
                uploaded_at=timezone.now(),
            )
    except Exception:
        storage.delete(stored)
        raise


def discard_files(attachments: Sequence[Attachment]) -> None:
    """Delete the bytes of attachments whose rows a rolled-back transaction took away (Django has
    no rollback hook: a caller that stores several files in one transaction calls this when it
    fails), so that no orphan file stays on disk."""
    storage = private_storage()
    for attachment in attachments:
        if not Attachment.objects.filter(stored_name=attachment.stored_name).exists():
            storage.delete(attachment.stored_name)


def attachment_response(attachment: Attachment) -> FileResponse:
    """The file as a download, whoever asked (see the module docstring)."""
    storage = private_storage()
    try:
        handle = storage.open(attachment.stored_name, "rb")
    except FileNotFoundError as error:
        raise Http404(_("This file is no longer available.")) from error
    content_type = attachment.content_type
    if content_type not in EXTENSIONS:
        content_type = "application/octet-stream"
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def access_attachment(user: AnyUser, reference: str, pk: int) -> Attachment:
    """An attachment of a case the staff member may see (``Case.objects.visible_to``); a 404
    that hides existence otherwise."""
    from comptoir.casework.access import access_case_by_reference

    case = access_case_by_reference(user, reference, page="attachment")  # type: ignore[arg-type]
    attachment = Attachment.objects.filter(case=case, pk=pk).first()
    if attachment is None:
        raise Http404(_("No such file."))
    return attachment


def attachments_of(case: Case, *, limit: int = 200) -> list[Attachment]:
    """A case's attachments, oldest first, bounded."""
    return list(Attachment.objects.filter(case=case).order_by("uploaded_at", "pk")[:limit])
