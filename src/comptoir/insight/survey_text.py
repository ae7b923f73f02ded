"""The words of the surveys (``comptoir.core.surveys`` gives codes only), in both languages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.core.surveys import Scale, SurveyErrorCode, SurveyKind

#: Each question as it is asked.
QUESTION_TEXT: dict[SurveyKind, dict[str, Any]] = {
    SurveyKind.CLIENT: {
        "timeliness": _("I received the service in a reasonable amount of time."),
        "ease_of_access": _("It was easy to reach us and to find what I needed."),
        "knowledge": _("Staff were knowledgeable and competent."),
        "fairness": _("I was treated fairly."),
        "courtesy": _("Staff were courteous."),
        "extra_mile": _("Staff went the extra mile to make sure I got what I needed."),
        "outcome": _("In the end, I got what I needed."),
        "overall": _("Overall, how satisfied were you with the service you received?"),
    },
    SurveyKind.STAFF: {
        "workload": _("My workload is reasonable."),
        "communication": _("I get the information I need to do my work well."),
        "training_tools": _("I have the training and the tools I need to serve clients."),
        "overall": _("Overall, how satisfied are you with your work?"),
        "clients_needs": _("My unit meets the needs of its clients."),
        "suggestions": _("What would you suggest to serve clients better?"),
    },
}

#: Each question in a results table (short).
QUESTION_HEADING: dict[SurveyKind, dict[str, Any]] = {
    SurveyKind.CLIENT: {
        "timeliness": pgettext_lazy("survey driver", "Timeliness"),
        "ease_of_access": pgettext_lazy("survey driver", "Ease of access"),
        "knowledge": pgettext_lazy("survey driver", "Knowledge and competence"),
        "fairness": pgettext_lazy("survey driver", "Fairness"),
        "courtesy": pgettext_lazy("survey driver", "Courtesy"),
        "extra_mile": pgettext_lazy("survey driver", "Going the extra mile"),
        "outcome": pgettext_lazy("survey driver", "Outcome"),
        "overall": pgettext_lazy("survey driver", "Overall satisfaction"),
    },
    SurveyKind.STAFF: {
        "workload": pgettext_lazy("staff survey", "Workload"),
        "communication": pgettext_lazy("staff survey", "Communication"),
        "training_tools": pgettext_lazy("staff survey", "Training and tools"),
        "overall": pgettext_lazy("staff survey", "Overall satisfaction"),
        "clients_needs": pgettext_lazy("staff survey", "Clients' needs met"),
        "suggestions": pgettext_lazy("staff survey", "Suggestions"),
    },
}

#: The five points of each scale, 1 to 5.
SCALE_POINTS: dict[Scale, tuple[Any, ...]] = {
    Scale.AGREEMENT: (
        _("1 — Strongly disagree"),
        _("2 — Disagree"),
        _("3 — Neither agree nor disagree"),
        _("4 — Agree"),
        _("5 — Strongly agree"),
    ),
    Scale.SATISFACTION: (
        _("1 — Very dissatisfied"),
        _("2 — Dissatisfied"),
        _("3 — Neither satisfied nor dissatisfied"),
        _("4 — Satisfied"),
        _("5 — Very satisfied"),
    ),
}
NOT_APPLICABLE_LABEL = _("Does not apply")

ERROR_TEXT: dict[SurveyErrorCode, Any] = {
    SurveyErrorCode.REQUIRED: _("Choose an answer."),
    SurveyErrorCode.INVALID_CHOICE: _("Choose one of the answers given."),
    SurveyErrorCode.TOO_LONG: _("This answer is too long."),
    SurveyErrorCode.UNKNOWN_QUESTION: _("The survey does not ask this question."),
    SurveyErrorCode.INVALID_RATE: _("Give a share from 0 to 1 (for example 0.25 for a quarter)."),
    SurveyErrorCode.INVALID_QUIET_DAYS: _("Give a number of days from 0 to 3650."),
    SurveyErrorCode.INVALID_COUNT: _("These counts cannot be."),
}

#: Why a figure is not shown (``%(minimum)s`` the minimum number of answers).
SUPPRESSED = _("fewer than %(minimum)s answers")
