"""Signals other apps listen to (``comptoir.notifications`` sends mail from them).

``events_recorded`` is sent once the transaction that appended events to a case has committed,
with ``case`` (its projection as written) and ``events`` (the ``CaseEvent`` rows, in order). The
bulk writer (``casework.bulk_cases``: the generator and the history import) does not send it:
nobody is told of history.
"""

from __future__ import annotations

from django.dispatch import Signal

events_recorded = Signal()
