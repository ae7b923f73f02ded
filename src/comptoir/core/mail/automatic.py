"""Is a message automatic (an out-of-office reply, a bounce, list mail, a loop)?

Help desks that answer every message they receive end up in auto-reply wars: their
acknowledgement draws an out-of-office reply, which draws an acknowledgement... (FreeScout and
Chatwoot both had such loops). :func:`classify` reads the headers that automatic mail carries, as
RFC 3834 (``Auto-Submitted``), RFC 3464 (delivery-status reports), RFC 2919 (``List-Id``) and the
de-facto headers of Exchange, Gmail and list servers describe them, and returns the first that
applies, most specific first: a bounce, a loop, an automatic reply, list mail. Anything else is
:attr:`Verdict.PERSON`: a person wrote it.

A false "automatic" costs a client their acknowledgement (the message is still recorded and staff
see it); a false "person" may open a case for a robot and answer it. So the headers are read
broadly: any ``X-Autoreply`` or ``X-Auto-Response-Suppress`` value counts, any ``Auto-Submitted``
other than ``no``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Classification", "Reason", "Verdict", "classify"]


class Verdict(enum.StrEnum):
    """What kind of sender the message is from (the values are the inbound log's verdicts)."""

    PERSON = "person"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    LIST = "list"
    LOOP = "loop"


class Reason(enum.StrEnum):
    """Which header made the verdict (``NONE`` for a person)."""

    NONE = "none"
    DELIVERY_STATUS = "delivery_status"
    DISPOSITION_NOTIFICATION = "disposition_notification"
    MAILER_DAEMON = "mailer_daemon"
    EMPTY_RETURN_PATH = "empty_return_path"
    X_LOOP = "x_loop"
    AUTO_SUBMITTED = "auto_submitted"
    X_AUTOREPLY = "x_autoreply"
    X_AUTORESPOND = "x_autorespond"
    X_AUTO_RESPONSE_SUPPRESS = "x_auto_response_suppress"
    PRECEDENCE = "precedence"
    LIST_ID = "list_id"


@dataclass(frozen=True, slots=True)
class Classification:
    """The verdict, the header that decided it and that header's value (as received, trimmed)."""

    verdict: Verdict
    reason: Reason = Reason.NONE
    header: str = ""
    value: str = ""

    @property
    def is_automatic(self) -> bool:
        return self.verdict is not Verdict.PERSON


#: Senders that are the mail system itself, by the local part of the address (RFC 5321 §4.5.5
#: and the usual names of bounce senders).
_DAEMONS = frozenset({"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"})
_ADDRESS = re.compile(r"<([^<>]*)>")
_PARAMETER = re.compile(r';\s*([A-Za-z0-9_.-]+)\s*=\s*"?([^";]*)"?')
_LIST_PRECEDENCE = frozenset({"bulk", "junk", "list"})
_AUTO_PRECEDENCE = frozenset({"auto_reply", "auto-reply"})


def _first(headers: dict[str, list[str]], name: str) -> str | None:
    values = headers.get(name)
    return values[0] if values else None


def _content_type(value: str) -> tuple[str, dict[str, str]]:
    """``multipart/report; report-type=delivery-status`` → (``multipart/report``, parameters)."""
    main = value.split(";", 1)[0].strip().lower()
    parameters = {key.lower(): val.strip().lower() for key, val in _PARAMETER.findall(value)}
    return main, parameters


def _address(value: str) -> str:
    """The address of a ``From`` or ``Return-Path`` value (``Name <a@b>`` or ``a@b``), lower."""
    match = _ADDRESS.search(value)
    return (match.group(1) if match else value).strip().lower()


def _local_part(address: str) -> str:
    return address.rsplit("@", 1)[0] if "@" in address else address


def classify(headers: Iterable[tuple[str, str]]) -> Classification:
    """The verdict of a message from its header fields, as (name, value) pairs in any case.

    Only headers are read: the caller passes ``message.items()``; a delivery-status report is
    recognised by its ``Content-Type``. Reading order (the first match wins): delivery and
    read-receipt reports, mailer-daemon senders and an empty ``Return-Path`` (bounces), ``X-Loop``
    (a loop), ``Auto-Submitted``, ``X-Autoreply``, ``X-Autorespond``, ``X-Auto-Response-Suppress``
    and ``Precedence: auto_reply`` (automatic replies), ``Precedence: bulk|junk|list`` and
    ``List-Id`` (list mail).
    """
    table: dict[str, list[str]] = {}
    for name, value in headers:
        table.setdefault(str(name).strip().lower(), []).append(str(value).strip())

    content_type = _first(table, "content-type")
    if content_type is not None:
        main, parameters = _content_type(content_type)
        if main == "multipart/report":
            report = parameters.get("report-type", "")
            if report == "delivery-status":
                return Classification(
                    Verdict.BOUNCE, Reason.DELIVERY_STATUS, "Content-Type", content_type
                )
            if report == "disposition-notification":
                return Classification(
                    Verdict.AUTO_REPLY,
                    Reason.DISPOSITION_NOTIFICATION,
                    "Content-Type",
                    content_type,
                )
    sender = _first(table, "from")
    if sender is not None and _local_part(_address(sender)) in _DAEMONS:
        return Classification(Verdict.BOUNCE, Reason.MAILER_DAEMON, "From", sender)
    return_path = _first(table, "return-path")
    if return_path is not None:
        address = _address(return_path)
        if not address:
            return Classification(
                Verdict.BOUNCE, Reason.EMPTY_RETURN_PATH, "Return-Path", return_path
            )
        if _local_part(address) in _DAEMONS:
            return Classification(Verdict.BOUNCE, Reason.MAILER_DAEMON, "Return-Path", return_path)
    loop = _first(table, "x-loop")
    if loop is not None:
        return Classification(Verdict.LOOP, Reason.X_LOOP, "X-Loop", loop)
    submitted = _first(table, "auto-submitted")
    if submitted is not None and submitted.split(";", 1)[0].strip().lower() != "no":
        return Classification(
            Verdict.AUTO_REPLY, Reason.AUTO_SUBMITTED, "Auto-Submitted", submitted
        )
    for key, header, reason in (
        ("x-autoreply", "X-Autoreply", Reason.X_AUTOREPLY),
        ("x-autorespond", "X-Autorespond", Reason.X_AUTORESPOND),
        ("x-auto-response-suppress", "X-Auto-Response-Suppress", Reason.X_AUTO_RESPONSE_SUPPRESS),
    ):
        found = _first(table, key)
        if found is not None:
            return Classification(Verdict.AUTO_REPLY, reason, header, found)
    precedence = _first(table, "precedence")
    if precedence is not None:
        word = precedence.strip().lower()
        if word in _AUTO_PRECEDENCE:
            return Classification(Verdict.AUTO_REPLY, Reason.PRECEDENCE, "Precedence", precedence)
        if word in _LIST_PRECEDENCE:
            return Classification(Verdict.LIST, Reason.PRECEDENCE, "Precedence", precedence)
    list_id = _first(table, "list-id")
    if list_id is not None:
        return Classification(Verdict.LIST, Reason.LIST_ID, "List-Id", list_id)
    return Classification(Verdict.PERSON)
