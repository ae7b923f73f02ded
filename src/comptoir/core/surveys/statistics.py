"""The figures of one question: count, mean, share answering 4 or 5 and its margin of error.

For ``n`` answers (``"na"`` and unanswered left out) of which ``k`` are 4 or 5, the share is
``p = k / n`` and its 95% margin of error, with the finite population correction for a
population of ``N`` (the invitations sent, for the client survey), is

    MOE = z · √(p (1 − p) / n) · √((N − n) / (N − 1)),   z = 1.96

(the normal approximation of a proportion sampled without replacement). Without a population
(``N`` unknown) the correction is left out. The margin is 0 when every member of the population
answered (``n = N``), and when ``p`` is 0 or 1 (the approximation's known limit at the edges,
said beside the figure by the pages). A question with fewer than ``minimum`` answers (default
:data:`DEFAULT_MINIMUM`) is *suppressed*: its count is kept, its mean, share and margin are not
given, so that no one's answer can be read off a small group.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from comptoir.core.surveys.errors import SurveyError, SurveyErrorCode
from comptoir.core.surveys.questions import SCALE

#: Fewer answers than this and a figure is not shown.
DEFAULT_MINIMUM = 5
#: The normal quantile of a two-sided 95% interval.
Z_95 = 1.96
#: The points counted as satisfied (or in agreement).
FAVOURABLE = frozenset({4, 5})


@dataclass(frozen=True, slots=True)
class QuestionSummary:
    count: int
    mean: Fraction | None
    favourable: int | None
    share_favourable: Fraction | None
    margin: float | None
    is_suppressed: bool


def margin_of_error(
    favourable: int, count: int, population: int | None = None, *, z: float = Z_95
) -> float:
    """The margin of error of the share ``favourable / count`` (module docstring), in [0, 1]."""
    if count <= 0 or favourable < 0 or favourable > count:
        raise SurveyError.one(SurveyErrorCode.INVALID_COUNT, count=count, favourable=favourable)
    if population is not None and population < count:
        raise SurveyError.one(SurveyErrorCode.INVALID_COUNT, count=count, population=population)
    share = favourable / count
    margin = z * math.sqrt(share * (1 - share) / count)
    if population is not None:
        margin *= math.sqrt((population - count) / (population - 1)) if population > 1 else 0.0
    return min(1.0, max(0.0, margin))


def summarize(
    answers: Iterable[object], *, population: int | None = None, minimum: int = DEFAULT_MINIMUM
) -> QuestionSummary:
    """The figures of one question's answers (points 1–5 counted, anything else left out)."""
    counts: Counter[int] = Counter(
        answer
        for answer in answers
        if isinstance(answer, int) and not isinstance(answer, bool) and answer in SCALE
    )
    return summarize_counts(counts, population=population, minimum=minimum)


def summarize_counts(
    counts: Mapping[int, int], *, population: int | None = None, minimum: int = DEFAULT_MINIMUM
) -> QuestionSummary:
    """:func:`summarize` from the number of answers at each point (as a database counts them);
    keys outside 1–5 are left out."""
    if any(counts.get(point, 0) < 0 for point in SCALE):
        raise SurveyError.one(SurveyErrorCode.INVALID_COUNT)
    count = sum(counts.get(point, 0) for point in SCALE)
    if count < max(1, minimum):
        return QuestionSummary(count, None, None, None, None, is_suppressed=True)
    favourable = sum(counts.get(point, 0) for point in FAVOURABLE)
    if population is not None:
        population = max(population, count)
    return QuestionSummary(
        count=count,
        mean=Fraction(sum(point * counts.get(point, 0) for point in SCALE), count),
        favourable=favourable,
        share_favourable=Fraction(favourable, count),
        margin=margin_of_error(favourable, count, population),
        is_suppressed=False,
    )


def response_rate(responses: int, invitations: int) -> Fraction | None:
    """Responses over invitations sent (``None`` without an invitation)."""
    if responses < 0 or invitations < 0:
        raise SurveyError.one(SurveyErrorCode.INVALID_COUNT)
    if invitations == 0:
        return None
    return Fraction(responses, invitations)
