"""System checks of the inventory's reference data (``comptoir check --database default``).

``inventory.W001``: an active unit of a federal organization, in Canada, whose holiday categories
lack ``government``: it counts Remembrance Day, Thanksgiving and the other days the federal
workplace has off as business days, so its due dates come early. The check reads the database,
so it is tagged ``database``: Django runs it when a database is named (``check --database
default``, ``migrate``), not before every command.
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.db import DatabaseError, transaction
from django.utils.translation import gettext


@checks.register(checks.Tags.database)
def check_federal_units_observe_government_holidays(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """``inventory.W001`` for each active federal unit in Canada without ``government``."""
    from comptoir.inventory.calendars import holiday_categories
    from comptoir.inventory.models import Unit

    if app_configs is not None and not any(c.label == "inventory" for c in app_configs):
        return []
    warnings: list[checks.CheckMessage] = []
    for alias in databases or []:
        try:
            # A savepoint, so that a database not migrated yet (``migrate`` runs this check
            # first) leaves no broken transaction behind.
            with transaction.atomic(using=alias):
                units = list(
                    Unit.objects.using(alias)
                    .filter(is_active=True, organization__is_federal=True)
                    .select_related("organization")
                    .order_by("organization__owner_org", "code")
                )
        except DatabaseError:
            continue  # no table or column yet: nothing to check before ``migrate``
        for unit in units:
            country = unit.holiday_jurisdiction.strip().upper().partition("-")[0]
            if country != "CA" or "government" in holiday_categories(unit):
                continue
            warnings.append(
                checks.Warning(
                    gettext(
                        "The unit “%(unit)s” of the federal organization %(organization)s does "
                        "not observe the holidays of the federal workplace: its holiday "
                        "categories are “%(categories)s”, without “government”."
                    )
                    % {
                        "unit": unit.code,
                        "organization": unit.organization.owner_org,
                        "categories": unit.holiday_categories,
                    },
                    hint=gettext(
                        "Add “government” to its holiday categories in the administration "
                        "(public,government), or mark the organization as not federal."
                    ),
                    obj=unit,
                    id="inventory.W001",
                )
            )
    return warnings
