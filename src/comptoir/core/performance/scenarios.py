"""The three performance scenarios of the Guideline on Service Management (§2.7.11, Table 8):
results that exceed a standard, results consistent with it, results that fall short.

A standard's result for a period is its performance (the share of outputs that met the
standard) against its operational target. The Guideline names the scenarios but not where
"consistent" ends and "exceeding" begins; Comptoir calls a result *exceeding* when it is at
least :data:`EXCEEDING_MARGIN` above the target (five percentage points by default), *meeting*
when it reaches the target but not that margin, and *falling short* below the target. A period
with no output, or a standard without a target, has no scenario.
"""

from __future__ import annotations

import enum
from decimal import Decimal

__all__ = ["EXCEEDING_MARGIN", "Scenario", "scenario_of"]

#: How far above its target a result must be to count as exceeding the standard.
EXCEEDING_MARGIN = Decimal("0.05")


class Scenario(enum.StrEnum):
    EXCEEDING = "exceeding"
    MEETING = "meeting"
    FALLING_SHORT = "falling_short"


def scenario_of(
    performance: Decimal | None,
    target: Decimal | None,
    *,
    margin: Decimal = EXCEEDING_MARGIN,
) -> Scenario | None:
    """The scenario of a result, or ``None`` when there is no result or no target.

    ``performance`` and ``target`` are shares in [0, 1]; ``margin`` ≥ 0."""
    if performance is None or target is None:
        return None
    if margin < 0:
        raise ValueError("the exceeding margin cannot be negative")
    if performance < target:
        return Scenario.FALLING_SHORT
    if performance >= target + margin:
        return Scenario.EXCEEDING
    return Scenario.MEETING
