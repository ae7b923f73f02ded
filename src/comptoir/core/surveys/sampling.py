"""Who is invited: a deterministic draw per case, and a quiet period per client.

A case is *sampled* at rate ``r`` when the first 64 bits of SHA-256(``salt`` ":" ``reference``),
read as an integer ``u`` in [0, 2⁶⁴), satisfy ``u < r · 2⁶⁴`` (compared exactly, as fractions).
The same reference and salt always give the same answer, so a case resolved twice is drawn the
same way, and a test can know the draw; the per-deployment salt keeps an outsider who knows a
reference from knowing whether it was drawn. Over many references the share drawn tends to
``r`` (SHA-256 behaves as a uniform hash).

A sampled case's client is still not invited when they were invited less than ``quiet_days``
days before (``as_of``, given by the caller).
"""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from comptoir.core.surveys.errors import SurveyError, SurveyErrorCode

_SPAN = 2**64


class Decision(enum.StrEnum):
    INVITE = "invite"
    NOT_SAMPLED = "not_sampled"
    QUIET_PERIOD = "quiet_period"


def _rate(rate: Fraction | Decimal | float | int) -> Fraction:
    value = Fraction(rate)
    if not 0 <= value <= 1:
        raise SurveyError.one(SurveyErrorCode.INVALID_RATE, rate=rate)
    return value


def draw(reference: str, salt: str) -> int:
    """The case's number in [0, 2⁶⁴)."""
    digest = hashlib.sha256(f"{salt}:{reference}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def is_sampled(reference: str, salt: str, rate: Fraction | Decimal | float | int) -> bool:
    value = _rate(rate)
    return draw(reference, salt) * value.denominator < value.numerator * _SPAN


def decide(
    reference: str,
    *,
    salt: str,
    rate: Fraction | Decimal | float | int,
    quiet_days: int,
    last_invited_at: datetime | None,
    as_of: datetime,
) -> Decision:
    """Whether the client of the case ``reference`` is invited now (module docstring)."""
    if quiet_days < 0:
        raise SurveyError.one(SurveyErrorCode.INVALID_QUIET_DAYS, quiet_days=quiet_days)
    if not is_sampled(reference, salt, rate):
        return Decision.NOT_SAMPLED
    if last_invited_at is not None and as_of - last_invited_at < timedelta(days=quiet_days):
        return Decision.QUIET_PERIOD
    return Decision.INVITE
