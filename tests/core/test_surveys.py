"""The surveys' core: answers checked, figures computed by hand and as properties, the draw."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.core.surveys import (
    CLIENT_QUESTIONS,
    STAFF_QUESTIONS,
    Decision,
    SurveyError,
    SurveyErrorCode,
    SurveyKind,
    decide,
    is_sampled,
    margin_of_error,
    parse_answers,
    response_rate,
    summarize,
)
from comptoir.core.surveys.questions import MAX_TEXT
from comptoir.core.surveys.sampling import draw

CLIENT_FULL = {q.code: "4" for q in CLIENT_QUESTIONS}
STAFF_FULL = {q.code: "3" for q in STAFF_QUESTIONS if q.code != "suggestions"}


# --- the questions --------------------------------------------------------------------------


def test_the_client_survey_asks_the_drivers_then_overall_satisfaction() -> None:
    assert [q.code for q in CLIENT_QUESTIONS] == [
        "timeliness",
        "ease_of_access",
        "knowledge",
        "fairness",
        "courtesy",
        "extra_mile",
        "outcome",
        "overall",
    ]
    assert [q.allows_not_applicable for q in CLIENT_QUESTIONS] == [True] * 7 + [False]


def test_a_full_client_survey_is_read_as_points_and_not_applicable() -> None:
    raw = dict(CLIENT_FULL, courtesy="na", overall=" 5 ")
    answers = parse_answers(SurveyKind.CLIENT, raw)
    assert answers["courtesy"] == "na"
    assert answers["overall"] == 5
    assert answers["timeliness"] == 4


def test_every_question_in_error_is_named() -> None:
    raw = dict(CLIENT_FULL, timeliness="", fairness="6", overall="na", bogus="1")
    with pytest.raises(SurveyError) as caught:
        parse_answers(SurveyKind.CLIENT, raw)
    assert caught.value.errors == {
        "timeliness": SurveyErrorCode.REQUIRED,
        "fairness": SurveyErrorCode.INVALID_CHOICE,
        "overall": SurveyErrorCode.INVALID_CHOICE,  # overall satisfaction is never "n/a"
        "bogus": SurveyErrorCode.UNKNOWN_QUESTION,
    }


def test_the_staff_suggestions_are_optional_and_bounded() -> None:
    assert "suggestions" not in parse_answers(SurveyKind.STAFF, dict(STAFF_FULL, suggestions=" "))
    kept = parse_answers(SurveyKind.STAFF, dict(STAFF_FULL, suggestions=" More staff "))
    assert kept["suggestions"] == "More staff"
    with pytest.raises(SurveyError) as caught:
        parse_answers(SurveyKind.STAFF, dict(STAFF_FULL, suggestions="x" * (MAX_TEXT + 1)))
    assert caught.value.errors == {"suggestions": SurveyErrorCode.TOO_LONG}
    with pytest.raises(SurveyError):
        parse_answers(SurveyKind.STAFF, dict(STAFF_FULL, workload="na"))


@given(st.dictionaries(st.sampled_from([q.code for q in CLIENT_QUESTIONS]), st.text(max_size=4)))
def test_parsing_gives_only_valid_answers_or_refuses(raw: dict[str, str]) -> None:
    try:
        answers = parse_answers(SurveyKind.CLIENT, raw)
    except SurveyError as error:
        assert error.errors
        return
    assert set(answers) == {q.code for q in CLIENT_QUESTIONS}
    assert all(value in (1, 2, 3, 4, 5, "na") for value in answers.values())


# --- the figures ----------------------------------------------------------------------------


def test_figures_by_hand() -> None:
    # 6 answers (the "na" and the text are left out): 2, 3, 4, 4, 5, 5 → mean 23/6, 4 of 6
    # favourable; 20 invitations: MOE = 1.96 · √((2/3)(1/3)/6) · √(14/19).
    summary = summarize([2, 3, 4, 4, 5, 5, "na", "x"], population=20)
    assert summary.count == 6
    assert summary.mean == Fraction(23, 6)
    assert summary.favourable == 4
    assert summary.share_favourable == Fraction(2, 3)
    expected = 1.96 * math.sqrt((2 / 3) * (1 / 3) / 6) * math.sqrt(14 / 19)
    assert summary.margin == pytest.approx(expected)
    assert summary.margin == pytest.approx(0.3238, abs=1e-4)


def test_below_the_minimum_only_the_count_is_given() -> None:
    summary = summarize([5, 5, 5, 5], population=10)
    assert summary.is_suppressed and summary.count == 4
    assert summary.mean is None and summary.share_favourable is None and summary.margin is None
    assert not summarize([5, 5, 5, 5], minimum=4).is_suppressed
    assert summarize([], minimum=0).is_suppressed  # nothing to say of no answer


@st.composite
def _counts(draw_: st.DrawFn) -> tuple[int, int, int]:
    count = draw_(st.integers(1, 5_000))
    favourable = draw_(st.integers(0, count))
    population = draw_(st.integers(count, 20_000))
    return favourable, count, population


@given(_counts())
def test_the_margin_is_within_zero_and_one(counts: tuple[int, int, int]) -> None:
    favourable, count, population = counts
    assert 0.0 <= margin_of_error(favourable, count, population) <= 1.0
    assert 0.0 <= margin_of_error(favourable, count) <= 1.0


@given(st.integers(1, 2_000), st.fractions(0, 1), st.integers(0, 5_000))
def test_the_margin_shrinks_as_more_answer(count: int, share: Fraction, extra: int) -> None:
    # The same share out of more answers, in the same population: never a wider margin.
    population = 2 * count + extra + 10
    more = 2 * count
    small = margin_of_error(round(share * count), count, population)
    large = margin_of_error(round(share * count) * 2, more, population)
    assert large <= small + 1e-12


@given(_counts())
def test_the_margin_is_zero_when_everyone_answered(counts: tuple[int, int, int]) -> None:
    favourable, count, _population = counts
    assert margin_of_error(favourable, count, count) == 0.0


@given(_counts())
def test_the_correction_never_widens_the_margin(counts: tuple[int, int, int]) -> None:
    favourable, count, population = counts
    assert margin_of_error(favourable, count, population) <= margin_of_error(favourable, count)


@given(st.lists(st.integers(1, 5), max_size=40), st.integers(0, 10))
def test_suppression_is_exactly_below_the_minimum(points: list[int], minimum: int) -> None:
    summary = summarize(points, minimum=minimum)
    assert summary.count == len(points)
    assert summary.is_suppressed == (len(points) < max(1, minimum))
    if not summary.is_suppressed:
        assert summary.mean is not None and 1 <= summary.mean <= 5


def test_impossible_counts_are_refused() -> None:
    for args in ((1, 0, None), (3, 2, None), (1, 5, 4), (-1, 2, None)):
        with pytest.raises(SurveyError):
            margin_of_error(*args)
    with pytest.raises(SurveyError):
        response_rate(-1, 3)
    assert response_rate(3, 0) is None
    assert response_rate(3, 12) == Fraction(1, 4)


# --- the draw ------------------------------------------------------------------------------

AS_OF = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


@given(st.text(max_size=12), st.text(max_size=8), st.fractions(0, 1))
def test_the_draw_is_deterministic(reference: str, salt: str, rate: Fraction) -> None:
    assert is_sampled(reference, salt, rate) == is_sampled(reference, salt, rate)
    assert draw(reference, salt) < 2**64


@given(st.text(max_size=12), st.text(max_size=8))
def test_rate_zero_draws_none_and_rate_one_draws_all(reference: str, salt: str) -> None:
    assert not is_sampled(reference, salt, 0)
    assert is_sampled(reference, salt, 1)


@pytest.mark.parametrize("rate", [Fraction(1, 10), Fraction(1, 4), Fraction(1, 2), Fraction(9, 10)])
def test_the_share_drawn_is_the_rate_within_tolerance(rate: Fraction) -> None:
    # 20,000 references: the binomial standard deviation is at most 0.0036, so 0.015 is > 4σ.
    references = [f"AB{n:06d}" for n in range(20_000)]
    drawn = sum(is_sampled(reference, "deployment-salt", rate) for reference in references)
    assert abs(drawn / len(references) - float(rate)) < 0.015


def test_a_higher_rate_draws_every_case_a_lower_one_did() -> None:
    references = [f"CD{n:06d}" for n in range(2_000)]
    low = {r for r in references if is_sampled(r, "s", Fraction(1, 5))}
    high = {r for r in references if is_sampled(r, "s", Fraction(3, 5))}
    assert low < high


def test_another_salt_draws_other_cases() -> None:
    references = [f"EF{n:06d}" for n in range(2_000)]
    one = {r for r in references if is_sampled(r, "one", Fraction(1, 2))}
    two = {r for r in references if is_sampled(r, "two", Fraction(1, 2))}
    assert one != two


def test_the_quiet_period() -> None:
    common = {"salt": "s", "rate": 1, "quiet_days": 90, "as_of": AS_OF}
    assert decide("R1", last_invited_at=None, **common) is Decision.INVITE
    recent = AS_OF - timedelta(days=89, hours=23)
    assert decide("R1", last_invited_at=recent, **common) is Decision.QUIET_PERIOD
    assert decide("R1", last_invited_at=AS_OF - timedelta(days=90), **common) is Decision.INVITE
    assert decide("R1", last_invited_at=None, **dict(common, rate=0)) is Decision.NOT_SAMPLED


def test_bad_rates_and_periods_are_refused() -> None:
    for rate in (Fraction(-1, 10), Fraction(11, 10)):
        with pytest.raises(SurveyError) as caught:
            is_sampled("R", "s", rate)
        assert caught.value.errors == {"": SurveyErrorCode.INVALID_RATE}
    with pytest.raises(SurveyError):
        decide("R", salt="s", rate=1, quiet_days=-1, last_invited_at=None, as_of=AS_OF)


@given(st.lists(st.integers(1, 5), max_size=60), st.integers(60, 200))
def test_counts_give_the_same_figures_as_the_answers(points: list[int], population: int) -> None:
    from collections import Counter

    from comptoir.core.surveys import summarize_counts

    counts = Counter(points)
    counts[7] = 3  # not a point of the scale: left out
    assert summarize_counts(counts, population=population) == summarize(
        points, population=population
    )


@pytest.mark.parametrize("typed", ["²", "٣", "4.0", "+4", " 4 5"])
def test_only_the_ascii_points_are_answers(typed: str) -> None:
    # "²" passes str.isdigit() but int() refuses it; "٣" (Arabic-Indic three) int() reads as 3.
    with pytest.raises(SurveyError) as caught:
        parse_answers(SurveyKind.CLIENT, dict(CLIENT_FULL, overall=typed))
    assert caught.value.errors == {"overall": SurveyErrorCode.INVALID_CHOICE}
