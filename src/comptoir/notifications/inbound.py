"""Mail from clients: read, set aside when automatic, threaded onto its case or opening one.

:func:`ingest` takes one raw message (an IMAP fetch, an ``.eml`` file, a maildir entry) and
records it as an :class:`~comptoir.notifications.models.InboundMessage` with what was done:

1. **Once.** The raw bytes' SHA-256 is unique: the same message handed over twice (a poll that
   died before marking it read, the same file ingested again) returns the first record.
2. **Automatic mail is set aside** (``comptoir.core.mail.classify``: auto-replies, bounces, list
   mail, loops; and anything from Comptoir's own address): recorded, never a case, never an
   acknowledgement. This is what stops auto-reply wars.
3. **Its case**, in order of trust:

   - ``In-Reply-To`` / ``References`` naming a Message-ID Comptoir sent
     (``OutboundMessage.message_id``, which has a random part): whoever replies, it is the
     answer to our message, so it lands on that case;
   - else a well-formed case reference in the subject, **only when the sender is one of that
     case's client's addresses**. A reference is printed on letters and screens, so anybody may
     know one: from another address the message opens a new case for its sender instead, and
     ``detail`` says why (FreeScout's advisory was about exactly such cross-ticket mail).

   The case gets the client's message (``casework.actions.do_client_message``, channel ``EML``;
   a case waiting for the client resumes).
4. **Otherwise a new case** for the sender (found by their address, or a new client), of the
   service ``COMPTOIR_MAIL_INTAKE_SERVICE`` at its intake unit, in the language of the message
   (``Content-Language``, else guessed from the words, else the client's, else English), and
   the acknowledgement with the private status link (``notifications.actions.notify``, which
   limits automatic replies per address).

Attachments are checked and stored by ``casework.attachments`` (type by content, size, count);
each one refused is named in ``detail`` and the message is still recorded. Bodies are text:
``text/plain`` when the message has it, else its HTML turned into text (no markup kept).

``detail`` is stored as lines of a stable code and its values, separated by tabs (the words
depend on the reader: :func:`describe_detail` gives them in the active language).

:func:`poll_imap` reads the unseen messages of the configured mailbox, ingests each and marks it
``\\Seen``; the worker calls it.
"""

from __future__ import annotations

import hashlib
import imaplib
import logging
import re
import ssl
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from comptoir.core.mail import (
    Classification,
    Reason,
    Verdict,
    classify,
    guess_language,
    html_to_text,
    message_ids,
    references_in_subject,
    trim_quoted_reply,
)
from comptoir.notifications.links import status_url
from comptoir.notifications.models import (
    InboundMessage,
    InboundSource,
    InboundVerdict,
    OutboundMessage,
)

logger = logging.getLogger(__name__)

#: How much of a body is kept on the inbound record (the case keeps at most MAX_TEXT of it).
MAX_BODY = 100_000
#: The longest IMAP session a poll keeps open without an answer, in seconds.
IMAP_TIMEOUT = 60

_VERDICTS = {
    Verdict.AUTO_REPLY: InboundVerdict.AUTO_REPLY,
    Verdict.BOUNCE: InboundVerdict.BOUNCE,
    Verdict.LIST: InboundVerdict.LIST,
    Verdict.LOOP: InboundVerdict.LOOP,
}


# --- what a message says -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Attached:
    """One attachment as the sender named it, with its decoded bytes (``None``: not a file)."""

    filename: str
    data: bytes | None


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    """What :func:`ingest` reads of a message (every field already cut to its column)."""

    message_id: str
    from_address: str
    display_name: str
    subject: str
    in_reply_to: str
    references: str
    content_language: str
    body: str
    headers: tuple[tuple[str, str], ...]
    attachments: tuple[Attached, ...] = ()


_SURROGATES = re.compile("[\ud800-\udfff]")


def _clean(text: str) -> str:
    """``text`` without NUL characters, which PostgreSQL's text columns refuse (and no mail
    needs), and with U+FFFD for the lone surrogates the parser leaves for undecodable bytes of
    a header (``surrogateescape``), which no database can store as UTF-8."""
    return _SURROGATES.sub("\ufffd", text.replace("\x00", ""))


def _header(message: EmailMessage, name: str) -> str:
    """A header's decoded value, or its raw text when the parser cannot read it."""
    try:
        value = message.get(name)
    except (ValueError, TypeError, IndexError, LookupError):
        value = None
        for raw_name, raw_value in message.raw_items():
            if raw_name.lower() == name.lower():
                value = raw_value
                break
    return _clean(" ".join(str(value).split())) if value is not None else ""


def _part_text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError, KeyError):
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = _part_text(part)  # type: ignore[arg-type]  # get_body returns an EmailMessage
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return _clean(text.replace("\r\n", "\n")).strip()[:MAX_BODY]


def _attachments(message: EmailMessage) -> tuple[Attached, ...]:
    found = []
    for part in message.iter_attachments():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        filename = part.get_filename() or gettext("attachment")
        found.append(
            Attached(_clean(str(filename)), payload if isinstance(payload, bytes) else None)
        )
    return tuple(found)


def parse_message(raw: bytes) -> ParsedMessage:
    """Read ``raw`` with the standard library (``policy.default``); never raises on bad mail."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)  # noqa: S101 - policy.default makes EmailMessage
    display_name, address = parseaddr(_header(message, "From"))  # _header: no NUL left
    try:
        body = _body(message)
        attachments = _attachments(message) if message.is_multipart() else ()
    except (LookupError, ValueError, TypeError, KeyError) as error:
        logger.warning("inbound: unreadable body: %s", error)
        body, attachments = "", ()
    return ParsedMessage(
        message_id=_header(message, "Message-ID")[:998],
        from_address=address.strip()[:320],
        display_name=display_name.strip()[:200],
        subject=_header(message, "Subject")[:998],
        in_reply_to=_header(message, "In-Reply-To"),
        references=_header(message, "References"),
        content_language=_header(message, "Content-Language").lower(),
        body=body,
        headers=tuple((str(name), str(value)) for name, value in message.raw_items()),
        attachments=attachments,
    )


# --- what is done with it ------------------------------------------------------------------------


@dataclass(slots=True)
class _Decision:
    verdict: str
    detail: list[str] = field(default_factory=list)
    case: Any = None
    event: Any = None


@dataclass(frozen=True, slots=True)
class Ingested:
    """The record of a message, and whether this call wrote it (``False``: already there)."""

    message: InboundMessage
    is_new: bool


def _line(code: str, *values: object) -> str:
    # A value may be a raw header (the classification's): cleaned as every stored header is.
    return "\t".join([code, *(_clean(" ".join(str(value).split())) for value in values)])


def _normalized(address: str) -> str:
    from comptoir.clients.normalization import NormalizationError, normalize_email

    try:
        return normalize_email(address)
    except NormalizationError:
        return ""


def _own_addresses() -> set[str]:
    addresses = {settings.DEFAULT_FROM_EMAIL, getattr(settings, "COMPTOIR_REPLY_TO", "")}
    return {_normalized(parseaddr(address)[1]) for address in addresses if address} - {""}


def _case_replied_to(parsed: ParsedMessage) -> Any:
    """The case of the message Comptoir sent that this one answers: ``In-Reply-To`` first,
    then ``References`` from the newest."""
    candidates = [
        *message_ids(parsed.in_reply_to),
        *reversed(message_ids(parsed.references)),
    ]
    if not candidates:
        return None
    # The outbox keeps the identifier with its angle brackets; look both ways up.
    forms = [*(f"<{identifier}>" for identifier in candidates), *candidates]
    sent = {
        message.message_id.strip("<>"): message.case
        for message in OutboundMessage.objects.filter(message_id__in=forms).select_related("case")
    }
    for identifier in candidates:
        if identifier in sent:
            return sent[identifier]
    return None


def _is_clients_address(case: Any, sender: str) -> bool:
    from comptoir.clients.models import ContactPoint

    if case.client_id is None or not sender:
        return False
    return ContactPoint.objects.filter(
        client_id=case.client_id, kind="email", is_active=True, normalized=sender
    ).exists()


def _case_by_subject(parsed: ParsedMessage, sender: str, detail: list[str]) -> Any:
    """The case a subject's reference names, when the sender is its client (else ``None``, and
    why in ``detail``)."""
    from comptoir.casework.models import Case

    for reference in references_in_subject(parsed.subject):
        case = Case.objects.filter(reference=reference).first()
        if case is None:
            detail.append(_line("reference_unknown", reference))
        elif _is_clients_address(case, sender):
            return case
        else:
            detail.append(_line("reference_not_from_client", reference))
    return None


def _language(parsed: ParsedMessage, client: Any) -> str:
    for tag in parsed.content_language.replace(";", ",").split(","):
        code = tag.strip()[:2]
        if code in {"en", "fr"}:
            return code
    guessed = guess_language(f"{parsed.subject}\n{parsed.body}")
    if guessed is not None:
        return guessed
    preferred = getattr(client, "preferred_language", "")
    return preferred if preferred in {"en", "fr"} else "en"


def _name_parts(display_name: str, sender: str) -> tuple[str, str]:
    """(given, family) from a ``From`` display name; the mailbox name when there is none."""
    name = display_name if "@" not in display_name else ""
    given, _space, family = name.rpartition(" ")
    if not family:
        family = sender.split("@", 1)[0]
    return given.strip()[:100], family.strip()[:100]


def _client_for(sender: str, display_name: str) -> tuple[Any, dict[str, Any] | None]:
    """The client whose active address is the sender's (the oldest record not merged away), else
    the one the matching links the sender to (``clients.matching.intake_match``: the address and
    the display name scored together), else ``None`` (a new client is made); and what the case
    keeps of the decision. A client found is not changed: anyone can write a
    ``From`` line, so a message never rewrites the record it matches (the portal's rule)."""
    from comptoir.clients.matching import intake_match, typed_record
    from comptoir.clients.models import ContactPoint

    # Mail identifies its sender by the address: a client who has it is that sender.
    point = (
        ContactPoint.objects.filter(
            kind="email", normalized=sender, is_active=True, client__merged_into__isnull=True
        )
        .select_related("client")
        .order_by("client_id")
        .first()
    )
    if point is not None:
        return point.client, {"client": point.client_id, "by": "email", "automatic": True}
    given, family = _name_parts(display_name, sender)
    match = intake_match(typed_record(given_name=given, family_name=family, email=sender))
    return match.client, match.payload


def _create_client(sender: str, display_name: str, language: str) -> Any:
    from comptoir.clients.actions import do_add_contact_point, do_create_client

    given, family = _name_parts(display_name, sender)
    client = do_create_client(
        kind="person",
        given_name=given,
        family_name=family,
        preferred_language=language,
        segment="public",
        actor=None,  # the client themselves
    )
    do_add_contact_point(
        client, kind="email", value=sender, label="home", is_primary=True, actor=None
    )
    return client


def _intake_service() -> Any:
    from comptoir.inventory.models import Service

    key = str(getattr(settings, "COMPTOIR_MAIL_INTAKE_SERVICE", "") or "").strip()
    if not key.isdigit():
        return None
    return Service.objects.filter(pk=int(key)).first()


def _acknowledge(case: Any, token: str, event: Any) -> bool:
    """Queue the acknowledgement with the status link (``notifications.actions.notify``, which
    applies the automatic-reply limit per address); whether one was queued."""
    from comptoir.notifications.actions import notify

    queued = notify(
        case,
        "acknowledgement",
        event=event,
        context={"status_url": status_url(token, case.language)},
    )
    return queued is not None


def _text_of(parsed: ParsedMessage, *, is_reply: bool, stored_names: list[str]) -> str:
    from comptoir.casework.actions import MAX_TEXT

    text = trim_quoted_reply(parsed.body) if is_reply else parsed.body
    if not text.strip() and stored_names:
        text = gettext("Files sent: %(names)s") % {"names": ", ".join(stored_names)}
    if not text.strip():
        text = parsed.subject or gettext("(no text)")
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 1] + "…"
    return text


def _screen_files(parsed: ParsedMessage, detail: list[str]) -> list[Attached]:
    """The attachments that pass the checks; each other one named in ``detail``."""
    from comptoir.casework import attachments
    from comptoir.casework.errors import CaseError

    kept: list[Attached] = []
    for attached in parsed.attachments:
        if attached.data is None:
            detail.append(_line("attachment_refused", attached.filename, "attachment_type"))
            continue
        if len(kept) >= attachments.max_files():
            detail.append(_line("attachment_refused", attached.filename, "attachment_count"))
            continue
        try:
            attachments.check_attachment(attached.filename, attached.data)
        except CaseError as error:
            detail.append(_line("attachment_refused", attached.filename, error.code))
            continue
        kept.append(attached)
    return kept


def _store_files(case: Any, event: Any, files: Iterable[Attached], stored: list[Any]) -> None:
    from comptoir.casework import attachments
    from comptoir.casework.models import AttachmentSource

    for attached in files:
        assert attached.data is not None  # noqa: S101 - screened
        stored.append(
            attachments.store_attachment(
                case,
                filename=attached.filename,
                data=attached.data,
                source=AttachmentSource.EMAIL,
                event=event,
            )
        )


def _decide(parsed: ParsedMessage, *, at: datetime, stored: list[Any]) -> _Decision:
    """What to do with a message (and do it): inside the caller's transaction."""
    from comptoir.casework import actions as casework
    from comptoir.casework.models import CaseEvent
    from comptoir.casework.queries import intake_unit

    classification: Classification = classify(parsed.headers)
    sender = _normalized(parsed.from_address)
    if not classification.is_automatic and sender and sender in _own_addresses():
        # Our own mail coming back (a forwarding rule, a misaddressed copy): a loop.
        return _Decision(InboundVerdict.LOOP, [_line("own_address", parsed.from_address)])
    if classification.is_automatic:
        return _Decision(
            _VERDICTS[classification.verdict],
            [_line(classification.reason.value, classification.header, classification.value)],
        )
    if not sender:
        return _Decision(InboundVerdict.REFUSED, [_line("no_sender", parsed.from_address)])
    detail: list[str] = []
    files = _screen_files(parsed, detail)
    names = [attached.filename for attached in files]
    case = _case_replied_to(parsed)
    if case is not None:
        detail.insert(0, _line("threaded_by_message_id"))
    else:
        case = _case_by_subject(parsed, sender, detail)
        if case is not None:
            detail.insert(0, _line("threaded_by_reference", case.reference))
    if case is not None:
        events = casework.do_client_message(
            case,
            _text_of(parsed, is_reply=True, stored_names=names),
            channel="EML",
            at=at,
            payload={"email": parsed.message_id[:250], "files": len(files)},
        )
        _store_files(case, events[0], files, stored)
        return _Decision(InboundVerdict.THREADED, detail, case, events[0])

    service = _intake_service()
    unit = intake_unit(service) if service is not None else None
    if unit is None:
        detail.append(_line("no_intake_service"))
        return _Decision(InboundVerdict.REFUSED, detail)
    client, match = _client_for(sender, parsed.display_name)
    language = _language(parsed, client)
    if client is None:
        client = _create_client(sender, parsed.display_name, language)
    description = _text_of(parsed, is_reply=False, stored_names=names)
    if parsed.subject and parsed.subject not in description:
        description = f"{parsed.subject}\n\n{description}"[: casework.MAX_TEXT]
    case, token = casework.do_receive_case(
        service=service,
        kind="enquiry",
        channel="EML",
        entry_unit=unit,
        language=language,
        client=client,
        description=description,
        actor=None,
        at=at,
        received_payload={"client_match": match} if match else None,
    )
    received = CaseEvent.objects.get(case=case, sequence=1)
    _store_files(case, received, files, stored)
    if not _acknowledge(case, token, received):
        detail.append(_line("not_acknowledged"))
    return _Decision(InboundVerdict.NEW_CASE, detail, case, received)


def _record(
    parsed: ParsedMessage, digest: str, source: str, at: datetime, decision: _Decision
) -> InboundMessage:
    return InboundMessage.objects.create(
        raw_sha256=digest,
        message_id=parsed.message_id,
        source=source,
        from_address=parsed.from_address,
        subject=parsed.subject,
        in_reply_to=" ".join(filter(None, (parsed.in_reply_to, parsed.references))),
        body=parsed.body,
        received_at=at,
        verdict=decision.verdict,
        detail="\n".join(decision.detail),
        case=decision.case,
        event=decision.event,
    )


def ingest_message(raw: bytes, *, source: str, at: datetime | None = None) -> Ingested:
    """Record ``raw`` (see the module docstring); the existing record when it was seen before.

    Everything a message causes (its client, case, events, files, acknowledgement) is written in
    one transaction with its record, so a failure leaves nothing behind: a refused action (a
    ``CaseError``) is recorded as ``refused`` with its code; any other error is raised.
    """
    from comptoir.casework import attachments
    from comptoir.casework.errors import CaseError

    if source not in InboundSource.values:
        raise ValueError(source)
    digest = hashlib.sha256(raw).hexdigest()
    existing = InboundMessage.objects.filter(raw_sha256=digest).first()
    if existing is not None:
        return Ingested(existing, is_new=False)
    at = at or timezone.now()
    parsed = parse_message(raw)
    stored: list[Any] = []
    try:
        try:
            with transaction.atomic():
                decision = _decide(parsed, at=at, stored=stored)
                message = _record(parsed, digest, source, at, decision)
        except CaseError as error:
            attachments.discard_files(stored)
            stored.clear()
            decision = _Decision(InboundVerdict.REFUSED, [_line("refused", error.code)])
            with transaction.atomic():
                message = _record(parsed, digest, source, at, decision)
    except IntegrityError:
        attachments.discard_files(stored)
        existing = InboundMessage.objects.filter(raw_sha256=digest).first()
        if existing is None:
            raise
        return Ingested(existing, is_new=False)
    except Exception:
        attachments.discard_files(stored)
        raise
    return Ingested(message, is_new=True)


def ingest(raw: bytes, *, source: str, at: datetime | None = None) -> InboundMessage:
    """Record one raw message and act on it (idempotent by SHA-256); its record."""
    return ingest_message(raw, source=source, at=at).message


# --- the words of ``detail`` -------------------------------------------------------------------


def _attachment_reason(code: str) -> str:
    reasons = {
        "attachment_too_large": pgettext("attachment refused", "larger than the limit"),
        "attachment_type": pgettext("attachment refused", "not a type we accept"),
        "attachment_empty": pgettext("attachment refused", "empty"),
        "attachment_count": pgettext("attachment refused", "more files than one message may bring"),
    }
    return reasons.get(code, code)


def describe_detail(detail: str) -> list[str]:
    """The lines of an inbound record's ``detail`` in the active language."""
    lines = []
    for line in detail.splitlines():
        code, *values = line.split("\t")
        value = values[0] if values else ""
        second = values[1] if len(values) > 1 else ""
        if code in {reason.value for reason in Reason} and code != Reason.NONE:
            lines.append(
                gettext("Automatic mail: its %(header)s header is “%(value)s”.")
                % {"header": value, "value": second}
            )
        elif code == "threaded_by_message_id":
            lines.append(gettext("It answers a message Comptoir sent about this case."))
        elif code == "threaded_by_reference":
            lines.append(
                gettext("Its subject names the case %(reference)s and it comes from its client.")
                % {"reference": value}
            )
        elif code == "reference_not_from_client":
            lines.append(
                gettext(
                    "Its subject names the case %(reference)s, but the sender is not that "
                    "case's client: it was not added to that case."
                )
                % {"reference": value}
            )
        elif code == "reference_unknown":
            lines.append(
                gettext("Its subject names %(reference)s, which is no case.") % {"reference": value}
            )
        elif code == "attachment_refused":
            lines.append(
                gettext("The file %(name)s was not kept: %(reason)s.")
                % {"name": value, "reason": _attachment_reason(second)}
            )
        elif code == "own_address":
            lines.append(
                gettext("It comes from Comptoir's own address (%(address)s): a loop.")
                % {"address": value}
            )
        elif code == "no_sender":
            lines.append(gettext("It has no sender address one could answer."))
        elif code == "no_intake_service":
            lines.append(
                gettext(
                    "No case was opened: COMPTOIR_MAIL_INTAKE_SERVICE names no service with an "
                    "active unit."
                )
            )
        elif code == "not_acknowledged":
            lines.append(gettext("No acknowledgement was sent."))
        elif code == "refused":
            lines.append(gettext("The case refused it (%(code)s).") % {"code": value})
        else:
            lines.append(line.replace("\t", " "))
    return lines


# --- the mailbox -------------------------------------------------------------------------------


def _connect() -> imaplib.IMAP4:
    host, port = settings.COMPTOIR_IMAP_HOST, int(settings.COMPTOIR_IMAP_PORT)
    if settings.COMPTOIR_IMAP_SSL:
        return imaplib.IMAP4_SSL(
            host, port, ssl_context=ssl.create_default_context(), timeout=IMAP_TIMEOUT
        )
    return imaplib.IMAP4(host, port, timeout=IMAP_TIMEOUT)


def _fetched_bytes(data: Iterable[Any]) -> Iterator[bytes]:
    for item in data:
        if isinstance(item, tuple) and len(item) > 1 and isinstance(item[1], bytes):
            yield item[1]


def poll_imap() -> int:
    """Ingest the unseen messages of ``COMPTOIR_IMAP_FOLDER`` and mark each ``\\Seen`` once it is
    recorded; nothing is moved or deleted. Returns how many were ingested (new or not).

    Each message is fetched with ``BODY.PEEK[]`` (the whole RFC 822 message without setting
    ``\\Seen``), so that a message whose ingestion failed stays unseen and is tried at the next
    poll. Errors are logged, never raised (the worker keeps running); the connection is always
    closed.
    """
    if not settings.COMPTOIR_IMAP_HOST:
        return 0
    count = 0
    try:
        connection = _connect()
    except (OSError, imaplib.IMAP4.error) as error:
        logger.error("IMAP: cannot connect to %s: %s", settings.COMPTOIR_IMAP_HOST, error)
        return 0
    try:
        connection.login(settings.COMPTOIR_IMAP_USER, settings.COMPTOIR_IMAP_PASSWORD)
        status, _data = connection.select(settings.COMPTOIR_IMAP_FOLDER)
        if status != "OK":
            logger.error("IMAP: cannot open the folder %s", settings.COMPTOIR_IMAP_FOLDER)
            return 0
        status, found = connection.uid("SEARCH", "UNSEEN")
        uids = found[0].split() if status == "OK" and found and found[0] else []
        for uid in uids:
            status, data = connection.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next(_fetched_bytes(data or []), None) if status == "OK" else None
            if raw is None:
                logger.error("IMAP: cannot fetch message %s", uid.decode())
                continue
            try:
                ingest(raw, source=InboundSource.IMAP)
            except Exception:
                logger.exception("IMAP: message %s could not be ingested", uid.decode())
                continue
            connection.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            count += 1
    except (OSError, imaplib.IMAP4.error) as error:
        logger.error("IMAP: %s", error)
    finally:
        try:
            connection.logout()
        except (OSError, imaplib.IMAP4.error):
            logger.debug("IMAP: logout failed", exc_info=True)
    return count
