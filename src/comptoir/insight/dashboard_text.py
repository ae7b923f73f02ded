"""The words of the managers' dashboard: the scenarios of the Guideline on Service Management's
Table 8 (§2.7.11) and the questions a manager asks in each, in our own words, both languages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.core.performance.scenarios import Scenario

SCENARIO_LABELS: Mapping[Scenario, Promise] = {
    Scenario.EXCEEDING: pgettext_lazy("scenario", "Exceeding the standard"),
    Scenario.MEETING: pgettext_lazy("scenario", "Consistent with the standard"),
    Scenario.FALLING_SHORT: pgettext_lazy("scenario", "Falling short of the standard"),
}

#: What to find out first, then how to respond, per scenario (after Table 8).
SCENARIO_QUESTIONS: Mapping[Scenario, Sequence[Promise]] = {
    Scenario.EXCEEDING: (
        _("Find out why: was the standard set on a sound method, or is it too low?"),
        _("Has our capacity grown, or did demand turn out lower than forecast?"),
        _("Did something change, such as new technology or how clients reach us?"),
        _(
            "Then decide: raise the standard where it makes sense, move resources to services "
            "that perform less well, tell clients, staff and partners, share what worked, and "
            "recognise the teams."
        ),
    ),
    Scenario.MEETING: (
        _(
            "Do client feedback and satisfaction results confirm that clients are content with "
            "this level of service?"
        ),
        _("Would a higher standard be warranted, and could we reach it?"),
        _("Plan for what is coming: resources, capacity, changes in demand and new priorities."),
    ),
    Scenario.FALLING_SHORT: (
        _(
            "Find out why: is the standard too high, or the process unclear or heavier than it "
            "needs to be?"
        ),
        _(
            "Did capacity or demand change unexpectedly, or were known trends (new demand, "
            "clients moving to other channels) overlooked?"
        ),
        _(
            "Then decide: rethink the process, add capacity, learn from similar services that do "
            "better, consult stakeholders, or lower the standard where that is right."
        ),
        _("Tell stakeholders what will be done, with the money and priorities in view."),
    ),
}

#: The age of open cases, in calendar days since receipt: (upper bound or None, label).
BACKLOG_AGES: Sequence[tuple[int | None, Promise]] = (
    (1, _("Under a day")),
    (5, _("1 to 5 days")),
    (10, _("6 to 10 days")),
    (20, _("11 to 20 days")),
    (40, _("21 to 40 days")),
    (None, _("Over 40 days")),
)
