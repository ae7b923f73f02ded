"""Charts of the insight pages: each a Vega-Lite specification built with Altair and drawn as
SVG on the server (vl-convert), shown beside its data table and a one-sentence summary, so a
chart needs no JavaScript in the browser, prints, and says nothing the table does not.

The SVG is marked ``aria-hidden``: screen readers read the summary and the table instead (the
drawing repeats them). The drawing is cached by its specification: the same figures draw once.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import vl_convert
from django.utils.safestring import SafeString, mark_safe

__all__ = ["Chart", "bar_chart", "line_chart", "stacked_bar_chart"]

#: Width of a chart's drawing area, in pixels (the SVG scales down with the page).
WIDTH = 560
#: GC Design System colours: the main blue, and a contrasting rule for targets.
COLOUR = "#26374a"
TARGET_COLOUR = "#b3080e"
_CONFIG = {
    "aria": False,  # the figure's summary and table speak for the drawing
    "font": "Noto Sans, Helvetica, Arial, sans-serif",
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 220},
    "legend": {"labelFontSize": 12, "titleFontSize": 12},
    "view": {"stroke": None},
}


@dataclass(frozen=True)
class Chart:
    """A drawn chart: its title, the sentence that says what it shows, the SVG, and the table of
    its data (``columns`` and ``rows``, already worded for the reader)."""

    key: str
    title: str
    summary: str
    svg: SafeString
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]


def _data(values: Sequence[Mapping[str, Any]]) -> Any:
    return alt.Data(values=list(values))  # type: ignore[no-untyped-call]


@functools.lru_cache(maxsize=256)
def _draw(spec_json: str) -> str:
    svg = vl_convert.vegalite_to_svg(json.loads(spec_json))
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def _svg(chart: Any) -> SafeString:
    spec = chart.properties(width=WIDTH).to_dict()
    spec["config"] = {**spec.get("config", {}), **_CONFIG}
    # Made by vl-convert from our own data (every text node escaped by Vega): safe to inline.
    return mark_safe(_draw(json.dumps(spec, sort_keys=True, default=str)))  # noqa: S308


def bar_chart(
    values: Sequence[Mapping[str, Any]],
    *,
    category: str,
    amount: str,
    category_title: str,
    amount_title: str,
    horizontal: bool = False,
) -> SafeString:
    """Bars of ``amount`` per ``category``, in the order given."""
    order = [str(value[category]) for value in values]
    base = alt.Chart(_data(values)).mark_bar(color=COLOUR)
    along = alt.X if not horizontal else alt.Y
    across = alt.Y if not horizontal else alt.X
    chart = base.encode(
        along(f"{category}:N", sort=order, title=category_title),
        across(f"{amount}:Q", title=amount_title, axis=alt.Axis(tickMinStep=1)),
    )
    if horizontal:
        chart = chart.properties(height=max(60, 24 * len(values)))
    return _svg(chart)


def stacked_bar_chart(
    values: Sequence[Mapping[str, Any]],
    *,
    category: str,
    stack: str,
    amount: str,
    category_title: str,
    stack_title: str,
    amount_title: str,
) -> SafeString:
    """Bars of ``amount`` per ``category``, each split by ``stack`` (with a legend)."""
    chart = (
        alt.Chart(_data(values))
        .mark_bar()
        .encode(
            alt.X(f"{category}:N", title=category_title),
            alt.Y(f"sum({amount}):Q", title=amount_title, axis=alt.Axis(tickMinStep=1)),
            alt.Color(f"{stack}:N", title=stack_title, scale=alt.Scale(scheme="tableau10")),
        )
    )
    return _svg(chart)


def line_chart(
    values: Sequence[Mapping[str, Any]],
    *,
    period: str,
    share: str,
    target: float | None,
    period_title: str,
    share_title: str,
) -> SafeString:
    """A share (0–1) per period as a line with points, and the target as a dashed rule."""
    points = (
        alt.Chart(_data(values))
        .mark_line(point=True, color=COLOUR)
        .encode(
            alt.X(f"{period}:O", title=period_title),
            alt.Y(
                f"{share}:Q",
                title=share_title,
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
        )
    )
    if target is None:
        return _svg(points.properties(height=200))
    rule = (
        alt.Chart(_data([{"target": target}]))
        .mark_rule(color=TARGET_COLOUR, strokeDash=[6, 4])
        .encode(alt.Y("target:Q"))
    )
    return _svg(alt.layer(points, rule).properties(height=200))
