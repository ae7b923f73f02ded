"""The change reasons the system stores on history rows, as codes each reader sees in their own
language (simple-history keeps one text column of 100 characters; a person's own reason is kept
as they typed it)."""

import re

from django.utils.translation import gettext as _

#: How the import names itself in the change reason it stores (``import:services|standards``):
#: a code, so that each reader sees the words in their own language. Earlier versions stored
#: ``import services standards`` in English; both are read.
_IMPORT_REASON = re.compile(r"^import[: ](?P<services>[^|]*?)(?:\||\s)(?P<standards>[^|]*)$")


def import_reason(services_file: str, standards_file: str) -> str:
    """The change reason an import stores on the history rows it writes (at most 100 characters,
    simple-history's column)."""
    return f"import:{services_file}|{standards_file}"[:100]


#: The change reason of a cell written by ``comptoir inventory fill-from-cases``
#: (``comptoir.measurement.inventory_numbers``).
COUNTED_FROM_CASES = "counted-from-cases"


def describe_reason(reason: str) -> str:
    """A stored change reason in the reader's language."""
    if reason == COUNTED_FROM_CASES:
        return _("Counted from the cases.")
    match = _IMPORT_REASON.match(reason)
    if match is None:
        return reason
    return _("Imported from %(services)s and %(standards)s.") % {
        "services": match["services"] or "—",
        "standards": match["standards"] or "—",
    }
