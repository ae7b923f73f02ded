"""Standard rules and case timelines: declarative values, serialisable to and from plain dicts.

A :class:`StandardRule` says what a service standard measures: the event that starts the clock, the
event that stops it, the limit (a :class:`~comptoir.core.businesstime.Within`), the calendar it is
counted in, the events that pause it, the events that exclude the case or stop the clock, and which
cases it applies to. ``StandardRule.to_dict()`` gives plain JSON types; ``StandardRule.from_dict()``
reads them back and refuses anything it does not understand (unknown keys included), so a rule
stored in the database or a file cannot silently mean something else.

A :class:`CaseTimeline` is a case's attributes plus its immutable :class:`CaseEvent` list.
Channels and standard types are the open-data enums of :mod:`comptoir.core.opendata.schema`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from comptoir.core.businesstime import (
    AnyCalendar,
    ClosedDueDate,
    DayConvention,
    DayZero,
    DueTime,
    TimeUnit,
    Within,
)
from comptoir.core.opendata.schema import Channel, StandardType
from comptoir.core.standards.errors import StandardError, StandardErrorCode

__all__ = [
    "CHANNELS",
    "TIERS",
    "Applicability",
    "CalendarChoice",
    "CalendarRef",
    "CalendarResolver",
    "CalendarScope",
    "CalendarTable",
    "CaseEvent",
    "CaseTimeline",
    "Channel",
    "Exclusion",
    "ExclusionEffect",
    "StandardRule",
    "StandardType",
    "parse_channel",
]


TIERS = (1, 2, 3)


def parse_channel(code: object) -> Channel:
    """The channel whose open-data code is ``code``, or an ``invalid_channel`` error."""
    try:
        return Channel(str(code))
    except ValueError as error:
        raise StandardError(StandardErrorCode.INVALID_CHANNEL, value=code) from error


#: Channels in a fixed order: the batch path stores a channel as its index in this tuple.
CHANNELS: tuple[Channel, ...] = tuple(Channel)


class ExclusionEffect(enum.StrEnum):
    """What an exclusion event does to a case."""

    #: The case is left out of the measurement (outcome ``EXCLUDED``), e.g. special circumstances.
    EXCLUDE_CASE = "exclude_case"
    #: The clock stops at the event and restarts at the next event of a ``resumes_on`` kind, e.g. a
    #: delay the client asked for.
    STOP_CLOCK = "stop_clock"


class CalendarScope(enum.StrEnum):
    """Whose calendar a rule counts in."""

    RECEIVING_UNIT = "receiving_unit"
    SERVICE = "service"
    NAMED = "named"
    #: The calendar of the unit holding the case at each moment: the entry unit's until an event
    #: carries another unit (a referral), then that unit's (see ``evaluation.unit_segments``).
    CURRENT_UNIT = "current_unit"


def _aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise StandardError(StandardErrorCode.NAIVE_DATETIME, field=name, value=str(value))


def _kind(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise StandardError(StandardErrorCode.INVALID_RULE, field=name, value=value)
    return value


def _kinds(values: Iterable[object], name: str) -> tuple[str, ...]:
    if isinstance(values, str):
        raise StandardError(StandardErrorCode.INVALID_RULE, field=name, value=values)
    return tuple(sorted({_kind(value, name) for value in values}))


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """An immutable fact in a case's life: its kind (a code) and when it happened."""

    kind: str
    at: datetime
    unit: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.kind, str) or not self.kind:
            raise StandardError(StandardErrorCode.INVALID_EVENT, value=self.kind)
        _aware(self.at, "at")


@dataclass(frozen=True, slots=True)
class CaseTimeline:
    """A case's attributes and its events, kept in time order (simultaneous ones in given order)."""

    case_kind: str
    channel: Channel
    tier: int
    service_id: str
    unit: str
    events: tuple[CaseEvent, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "channel", parse_channel(self.channel))
        if isinstance(self.tier, bool) or self.tier not in TIERS:
            raise StandardError(StandardErrorCode.INVALID_TIER, value=self.tier)
        events = tuple(self.events)
        for event in events:
            if not isinstance(event, CaseEvent):
                raise StandardError(StandardErrorCode.INVALID_EVENT, value=repr(event))
        object.__setattr__(self, "events", tuple(sorted(events, key=lambda event: event.at)))


@dataclass(frozen=True, slots=True)
class Applicability:
    """Which cases a rule applies to. An empty set means "any"."""

    case_kinds: frozenset[str] = frozenset()
    channels: frozenset[Channel] = frozenset()
    tiers: frozenset[int] = frozenset()
    service_ids: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "case_kinds", frozenset(_kinds(self.case_kinds, "case_kinds")))
        object.__setattr__(
            self, "channels", frozenset(parse_channel(code) for code in self.channels)
        )
        for tier in self.tiers:
            if isinstance(tier, bool) or tier not in TIERS:
                raise StandardError(StandardErrorCode.INVALID_TIER, value=tier)
        object.__setattr__(self, "tiers", frozenset(self.tiers))
        object.__setattr__(self, "service_ids", frozenset(_kinds(self.service_ids, "service_ids")))

    def covers(self, timeline: CaseTimeline) -> bool:
        return (
            (not self.case_kinds or timeline.case_kind in self.case_kinds)
            and (not self.channels or timeline.channel in self.channels)
            and (not self.tiers or timeline.tier in self.tiers)
            and (not self.service_ids or timeline.service_id in self.service_ids)
        )

    def to_dict(self) -> dict[str, list[Any]]:
        return {
            "case_kinds": sorted(self.case_kinds),
            "channels": sorted(channel.value for channel in self.channels),
            "tiers": sorted(self.tiers),
            "service_ids": sorted(self.service_ids),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Applicability:
        _only_keys(data, {"case_kinds", "channels", "tiers", "service_ids"}, "applies_to")
        return cls(
            case_kinds=frozenset(_list(data, "case_kinds")),
            channels=frozenset(parse_channel(code) for code in _list(data, "channels")),
            tiers=frozenset(_list(data, "tiers")),
            service_ids=frozenset(_list(data, "service_ids")),
        )


@dataclass(frozen=True, slots=True)
class Exclusion:
    """An event kind that excludes the case, or stops the clock until a ``resumes_on`` event."""

    kind: str
    effect: ExclusionEffect
    resumes_on: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _kind(self.kind, "exclusions.kind")
        object.__setattr__(self, "effect", ExclusionEffect(self.effect))
        resumes = _kinds(self.resumes_on, "exclusions.resumes_on")
        object.__setattr__(self, "resumes_on", resumes)
        if (self.effect is ExclusionEffect.STOP_CLOCK) != bool(resumes) or self.kind in resumes:
            raise StandardError(StandardErrorCode.INVALID_RULE, field="exclusions", value=self.kind)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "effect": self.effect.value}
        if self.resumes_on:
            data["resumes_on"] = list(self.resumes_on)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Exclusion:
        _only_keys(data, {"kind", "effect", "resumes_on"}, "exclusions")
        try:
            effect = ExclusionEffect(_required(data, "effect"))
        except ValueError as error:
            raise StandardError(
                StandardErrorCode.INVALID_RULE, field="exclusions.effect", value=data["effect"]
            ) from error
        return cls(_required(data, "kind"), effect, tuple(_list(data, "resumes_on")))


@dataclass(frozen=True, slots=True)
class CalendarRef:
    """The calendar a resolver must give: a unit's, a service's, or a named one."""

    scope: CalendarScope
    key: str


type CalendarResolver = Callable[[CalendarRef], AnyCalendar]


@dataclass(frozen=True, slots=True)
class CalendarChoice:
    """Which calendar a rule counts in; ``name`` only (and always) for ``NAMED``."""

    scope: CalendarScope = CalendarScope.RECEIVING_UNIT
    name: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "scope", CalendarScope(self.scope))
        if (self.scope is CalendarScope.NAMED) != (self.name is not None):
            raise StandardError(StandardErrorCode.CALENDAR_NOT_NAMED, scope=self.scope.value)
        if self.name is not None:
            _kind(self.name, "calendar.name")

    def ref_for(self, timeline: CaseTimeline) -> CalendarRef:
        match self.scope:
            case CalendarScope.RECEIVING_UNIT | CalendarScope.CURRENT_UNIT:
                return CalendarRef(self.scope, timeline.unit)
            case CalendarScope.SERVICE:
                return CalendarRef(self.scope, timeline.service_id)
            case CalendarScope.NAMED:
                return CalendarRef(self.scope, self.name or "")

    def to_dict(self) -> dict[str, str]:
        data = {"scope": self.scope.value}
        if self.name is not None:
            data["name"] = self.name
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CalendarChoice:
        _only_keys(data, {"scope", "name"}, "calendar")
        try:
            scope = CalendarScope(_required(data, "scope"))
        except ValueError as error:
            raise StandardError(
                StandardErrorCode.INVALID_RULE, field="calendar.scope", value=data["scope"]
            ) from error
        return cls(scope, data.get("name"))


@dataclass(frozen=True, slots=True)
class CalendarTable:
    """A resolver backed by a mapping; a missing calendar is a coded error, not a default."""

    calendars: Mapping[CalendarRef, AnyCalendar] = field(default_factory=dict)

    def __call__(self, ref: CalendarRef) -> AnyCalendar:
        try:
            return self.calendars[ref]
        except KeyError as error:
            raise StandardError(
                StandardErrorCode.UNKNOWN_CALENDAR, scope=ref.scope.value, key=ref.key
            ) from error


@dataclass(frozen=True, slots=True)
class StandardRule:
    """A service standard as the engine measures it (see the module docstring)."""

    standard_id: str
    within: Within
    start: str = "received"
    stop: str = "resolved"
    calendar: CalendarChoice = CalendarChoice()
    pause_start: tuple[str, ...] = ()
    pause_end: tuple[str, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    applies_to: Applicability = Applicability()
    target: Decimal | None = None
    standard_type: StandardType = StandardType.TML
    convention: DayConvention = field(default_factory=DayConvention.default)

    def __post_init__(self) -> None:
        _kind(self.standard_id, "standard_id")
        if not isinstance(self.within, Within):
            raise StandardError(StandardErrorCode.INVALID_RULE, field="within", value=self.within)
        _kind(self.start, "start")
        _kind(self.stop, "stop")
        object.__setattr__(self, "standard_type", StandardType(self.standard_type))
        pause_start = _kinds(self.pause_start, "pause_start")
        pause_end = _kinds(self.pause_end, "pause_end")
        object.__setattr__(self, "pause_start", pause_start)
        object.__setattr__(self, "pause_end", pause_end)
        exclusions = tuple(sorted(self.exclusions, key=lambda e: (e.kind, e.effect)))
        object.__setattr__(self, "exclusions", exclusions)
        if self.target is not None:
            object.__setattr__(self, "target", _target(self.target))
        clock_kinds = [self.start, self.stop]
        if self.start == self.stop:
            raise StandardError(StandardErrorCode.INVALID_RULE, field="stop", value=self.stop)
        if bool(pause_start) != bool(pause_end) or set(pause_start) & set(pause_end):
            raise StandardError(StandardErrorCode.INVALID_RULE, field="pause_end", value=pause_end)
        excluded = [exclusion.kind for exclusion in exclusions]
        if len(set(excluded)) != len(excluded) or set(excluded) & {*clock_kinds, *pause_start}:
            raise StandardError(StandardErrorCode.INVALID_RULE, field="exclusions", value=excluded)
        if set(pause_start) & set(clock_kinds) or set(pause_end) & set(clock_kinds):
            raise StandardError(
                StandardErrorCode.INVALID_RULE, field="pause_start", value=pause_start
            )

    @property
    def clock_stoppers(self) -> tuple[Exclusion, ...]:
        return tuple(e for e in self.exclusions if e.effect is ExclusionEffect.STOP_CLOCK)

    @property
    def case_excluders(self) -> frozenset[str]:
        return frozenset(
            e.kind for e in self.exclusions if e.effect is ExclusionEffect.EXCLUDE_CASE
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only; ``from_dict(to_dict())`` gives an equal rule."""
        return {
            "standard_id": self.standard_id,
            "type": self.standard_type.value,
            "start": self.start,
            "stop": self.stop,
            "within": {"amount": self.within.amount, "unit": self.within.unit.value},
            "convention": {
                "day_zero": self.convention.day_zero.value,
                "due_time": self.convention.due_time.value,
                "closed_due_date": self.convention.closed_due_date.value,
            },
            "calendar": self.calendar.to_dict(),
            "pauses": {"start": list(self.pause_start), "end": list(self.pause_end)},
            "exclusions": [exclusion.to_dict() for exclusion in self.exclusions],
            "applies_to": self.applies_to.to_dict(),
            "target": None if self.target is None else str(self.target),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StandardRule:
        """Read a rule written by :meth:`to_dict`; refuses unknown keys and bad values."""
        if not isinstance(data, Mapping):
            raise StandardError(StandardErrorCode.INVALID_RULE, field="rule", value=repr(data))
        _only_keys(
            data,
            {
                "standard_id",
                "type",
                "start",
                "stop",
                "within",
                "convention",
                "calendar",
                "pauses",
                "exclusions",
                "applies_to",
                "target",
            },
            "rule",
        )
        within_data = _mapping(_required(data, "within"), "within")
        _only_keys(within_data, {"amount", "unit"}, "within")
        try:
            within = Within(
                _required(within_data, "amount"), TimeUnit(_required(within_data, "unit"))
            )
        except ValueError as error:  # BusinessTimeError is a ValueError too
            raise StandardError(
                StandardErrorCode.INVALID_RULE, field="within", value=dict(within_data)
            ) from error
        convention_data = _mapping(data.get("convention", {}), "convention")
        _only_keys(convention_data, {"day_zero", "due_time", "closed_due_date"}, "convention")
        default = DayConvention.default()
        try:
            convention = DayConvention(
                day_zero=DayZero(convention_data.get("day_zero", default.day_zero)),
                due_time=DueTime(convention_data.get("due_time", default.due_time)),
                closed_due_date=ClosedDueDate(
                    convention_data.get("closed_due_date", default.closed_due_date)
                ),
            )
        except ValueError as error:
            raise StandardError(
                StandardErrorCode.INVALID_RULE, field="convention", value=dict(convention_data)
            ) from error
        pauses = _mapping(data.get("pauses", {}), "pauses")
        _only_keys(pauses, {"start", "end"}, "pauses")
        try:
            standard_type = StandardType(data.get("type", StandardType.TML))
        except ValueError as error:
            raise StandardError(
                StandardErrorCode.INVALID_RULE, field="type", value=data.get("type")
            ) from error
        exclusions = data.get("exclusions", [])
        if not isinstance(exclusions, list):
            raise StandardError(
                StandardErrorCode.INVALID_RULE, field="exclusions", value=exclusions
            )
        return cls(
            standard_id=_required(data, "standard_id"),
            within=within,
            start=data.get("start", "received"),
            stop=data.get("stop", "resolved"),
            calendar=CalendarChoice.from_dict(
                _mapping(data.get("calendar", {"scope": "receiving_unit"}), "calendar")
            ),
            pause_start=tuple(_list(pauses, "start")),
            pause_end=tuple(_list(pauses, "end")),
            exclusions=tuple(
                Exclusion.from_dict(_mapping(item, "exclusions")) for item in exclusions
            ),
            applies_to=Applicability.from_dict(_mapping(data.get("applies_to", {}), "applies_to")),
            target=None if data.get("target") is None else _target(data["target"]),
            standard_type=standard_type,
            convention=convention,
        )


def _target(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise StandardError(StandardErrorCode.INVALID_TARGET, value=value)
    try:
        target = Decimal(value)
    except InvalidOperation as error:
        raise StandardError(StandardErrorCode.INVALID_TARGET, value=value) from error
    if not target.is_finite() or not 0 <= target <= 1:
        raise StandardError(StandardErrorCode.INVALID_TARGET, value=value)
    return target


def _only_keys(data: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise StandardError(StandardErrorCode.UNKNOWN_FIELD, where=where, fields=unknown)


def _required(data: Mapping[str, Any], key: str) -> Any:
    if key not in data:
        raise StandardError(StandardErrorCode.MISSING_FIELD, field=key)
    return data[key]


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise StandardError(StandardErrorCode.INVALID_RULE, field=where, value=repr(value))
    return value


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list | tuple):
        raise StandardError(StandardErrorCode.INVALID_RULE, field=key, value=repr(value))
    return list(value)
