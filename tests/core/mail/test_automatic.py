"""Automatic mail: every header kind, table-driven, and properties of the classification."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.core.mail import Classification, Reason, Verdict, classify

PERSON = [("From", "Élise <elise@example.ca>"), ("Subject", "My request")]

CASES = [
    # (extra headers, verdict, reason)
    ([("Auto-Submitted", "auto-replied")], Verdict.AUTO_REPLY, Reason.AUTO_SUBMITTED),
    ([("Auto-Submitted", "auto-generated")], Verdict.AUTO_REPLY, Reason.AUTO_SUBMITTED),
    ([("auto-submitted", "Auto-Notified; owner-email=a@b")], Verdict.AUTO_REPLY,
     Reason.AUTO_SUBMITTED),
    ([("X-Autoreply", "yes")], Verdict.AUTO_REPLY, Reason.X_AUTOREPLY),
    ([("X-Autorespond", "Out of office")], Verdict.AUTO_REPLY, Reason.X_AUTORESPOND),
    ([("X-Auto-Response-Suppress", "All")], Verdict.AUTO_REPLY, Reason.X_AUTO_RESPONSE_SUPPRESS),
    ([("Precedence", "auto_reply")], Verdict.AUTO_REPLY, Reason.PRECEDENCE),
    ([("Precedence", "bulk")], Verdict.LIST, Reason.PRECEDENCE),
    ([("Precedence", "Junk")], Verdict.LIST, Reason.PRECEDENCE),
    ([("Precedence", "list")], Verdict.LIST, Reason.PRECEDENCE),
    ([("List-Id", "Statistics <stats.lists.example.org>")], Verdict.LIST, Reason.LIST_ID),
    ([("X-Loop", "comptoir@example.gc.ca")], Verdict.LOOP, Reason.X_LOOP),
    ([("Content-Type", 'multipart/report; report-type="delivery-status"; boundary="b"')],
     Verdict.BOUNCE, Reason.DELIVERY_STATUS),
    ([("Content-Type", "multipart/report; report-type=disposition-notification")],
     Verdict.AUTO_REPLY, Reason.DISPOSITION_NOTIFICATION),
    ([("Return-Path", "<>")], Verdict.BOUNCE, Reason.EMPTY_RETURN_PATH),
    ([("Return-Path", "<MAILER-DAEMON@mx.example.ca>")], Verdict.BOUNCE, Reason.MAILER_DAEMON),
]  # fmt: skip


@pytest.mark.parametrize(("extra", "verdict", "reason"), CASES)
def test_each_header_kind(extra, verdict, reason) -> None:
    found = classify([*PERSON, *extra])
    assert (found.verdict, found.reason) == (verdict, reason)
    assert found.is_automatic
    assert found.value == extra[0][1].strip()


def test_a_mailer_daemon_sender_is_a_bounce() -> None:
    found = classify([("From", "Mail Delivery System <MAILER-DAEMON@mx.example.ca>")])
    assert found == Classification(
        Verdict.BOUNCE,
        Reason.MAILER_DAEMON,
        "From",
        "Mail Delivery System <MAILER-DAEMON@mx.example.ca>",
    )
    assert classify([("From", "postmaster@example.ca")]).verdict is Verdict.BOUNCE


@pytest.mark.parametrize(
    "extra",
    [
        [],
        [("Auto-Submitted", "no")],
        [("Auto-Submitted", " No ")],
        [("Precedence", "first-class")],
        [("Content-Type", "multipart/mixed; boundary=x")],
        [("Content-Type", "multipart/report; report-type=other")],
        [("Return-Path", "<elise@example.ca>")],
        [("In-Reply-To", "<abc@example.ca>")],
    ],
)
def test_a_person(extra) -> None:
    found = classify([*PERSON, *extra])
    assert found == Classification(Verdict.PERSON)
    assert not found.is_automatic


def test_most_specific_first() -> None:
    # A bounce sent by a list server is a bounce; an out-of-office reply to a list is a reply.
    assert classify([("List-Id", "x"), ("Return-Path", "<>")]).verdict is Verdict.BOUNCE
    assert classify([("List-Id", "x"), ("Auto-Submitted", "auto-replied")]).verdict is (
        Verdict.AUTO_REPLY
    )
    assert classify([("Auto-Submitted", "auto-replied"), ("X-Loop", "x")]).verdict is Verdict.LOOP


header_names = st.sampled_from(
    ["Subject", "From", "To", "Date", "Received", "X-Mailer", "Message-ID", "Cc", "MIME-Version"]
)
header_values = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"),
    max_size=40,
)
ordinary = st.lists(st.tuples(header_names, header_values), max_size=8).filter(
    lambda pairs: all(
        not (name == "From" and any(d in value.lower() for d in ("daemon", "postmaster")))
        for name, value in pairs
    )
)


@given(ordinary)
def test_ordinary_headers_are_a_person(pairs) -> None:
    assert classify(pairs).verdict is Verdict.PERSON


@given(ordinary, st.sampled_from(CASES), st.booleans())
def test_an_automatic_header_anywhere_decides(pairs, case, is_upper) -> None:
    extra, verdict, _reason = case
    name, value = extra[0]
    name = name.upper() if is_upper else name.lower()
    middle = len(pairs) // 2
    found = classify([*pairs[:middle], (name, value), *pairs[middle:]])
    assert found.verdict is verdict


@given(ordinary, st.sampled_from(CASES))
def test_header_order_does_not_matter(pairs, case) -> None:
    headers = [*pairs, *case[0]]
    assert classify(headers) == classify(list(reversed(headers)))
