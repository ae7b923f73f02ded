"""``comptoir demo``: create (idempotently) a demo organization and one staff account per role.

The organization is fictional (``comptoir.inventory.demo_data``): five units with their calendars,
five programs, 30 services with standards for two fiscal years, the earlier year approved. Every
record goes through the inventory actions, so it is validated and has its audit history. The
casework accounts (an officer, a unit manager) are members of units; a few standards have a
machine rule; about 300 clients and 3,000 cases over the last year come from
``comptoir.casework.generator`` (written through the bulk writer, once: when the organization
has no case yet). Running it again creates nothing new; it sets fresh passwords for the demo
accounts and prints them.
"""

from __future__ import annotations

import random
import re
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.accounts.models import User
from comptoir.accounts.roles import Role, assign_role, sync_roles
from comptoir.casework import generator
from comptoir.casework.models import Case, RequestType
from comptoir.core.businesstime import Within
from comptoir.core.opendata.schema import ONLINE_POINT_FIELDS
from comptoir.core.standards import StandardRule
from comptoir.inventory import demo_data
from comptoir.inventory.actions import (
    do_add_organization_member,
    do_approve_fiscal_year,
    do_assign_service_owner,
    do_create_service_year,
    do_create_standard_year,
    do_record_priority_assessment,
    do_record_service_test,
    do_set_standard_rule,
    do_update_service_year,
)
from comptoir.inventory.models import (
    FiscalYear,
    Organization,
    PriorityRating,
    Program,
    Service,
    ServiceStandard,
    ServiceYear,
    StandardYear,
    Unit,
    UnitClosure,
    UnitHoliday,
    UnitMembership,
)
from comptoir.inventory.models.assessments import PRIORITY_CONSIDERATIONS, SERVICE_TEST_QUESTIONS

ACCOUNTS = (
    ("demo-admin", Role.ADMINISTRATOR),
    ("demo-custodian", Role.INVENTORY_CUSTODIAN),
    ("demo-owner", Role.SERVICE_OWNER),
    ("demo-viewer", Role.VIEWER),
    ("demo-officer", Role.CLIENT_SERVICE_OFFICER),
    ("demo-manager", Role.UNIT_MANAGER),
)

_CHANNEL_FIELDS = {
    "TEL": "num_applications_by_phone",
    "ONL": "num_applications_online",
    "PERSON": "num_applications_in_person",
    "POST": "num_applications_by_mail",
    "EML": "num_applications_by_email",
    "FAX": "num_applications_by_fax",
}
_GROWTH = {"2024-2025": 1.0, "2025-2026": 1.06}


def _volumes(service: demo_data.DemoService, fiscal_year: str) -> dict[str, str]:
    total = round(service.volume * _GROWTH[fiscal_year])
    cells = dict.fromkeys(_CHANNEL_FIELDS.values(), "NA")
    cells["num_applications_by_other"] = "NA"
    channels = list(service.channels)
    remaining = total
    if "ONL" in channels and len(channels) > 1:
        online = round(total * 0.7)
        cells["num_applications_online"] = str(online)
        remaining -= online
        channels.remove("ONL")
    for index, channel in enumerate(channels):
        share = remaining // (len(channels) - index)
        cells[_CHANNEL_FIELDS[channel]] = str(share)
        remaining -= share
    cells["num_applications_total"] = str(total)
    phone = service.phone_enquiries
    cells["num_phone_enquiries"] = (
        str(round(phone * _GROWTH[fiscal_year])) if phone is not None else "NA"
    )
    cells["num_website_visits"] = str(total * 9) if "ONL" in service.channels else "NA"
    return cells


def service_cells(service: demo_data.DemoService, fiscal_year: str) -> dict[str, str]:
    """The open-data cells of a demo service for a year (valid by the data dictionary)."""
    points = service.online.split()
    feedback = {c for c in service.channels if c != "ONL"}
    if points[-1] == "Y":
        feedback.add("ONL")
    name_en, name_fr = demo_data.PROGRAMS[service.program]
    groups = service.groups.split(",")
    cells = {
        "service_name_en": service.name_en,
        "service_name_fr": service.name_fr,
        "service_description_en": service.description_en,
        "service_description_fr": service.description_fr,
        "service_type": service.type,
        "service_recipient_type": service.recipient,
        "service_scope": service.scope,
        "client_target_groups": service.groups,
        "program_id": service.program,
        "program_name_en": f"'{name_en}'",
        "program_name_fr": f"'{name_fr}'",
        "client_feedback_channel": ",".join(sorted(feedback)) or "NON",
        "automated_decision_system": "N",
        "service_fee": service.fee,
        "last_service_review": "2023-2024",
        "last_service_improvement": "2024-2025",
        "sin_usage": "N",
        "cra_bn_identifier_usage": (
            ("Y" if service.type in {"APIR", "GNC"} else "N") if "ECONOM" in groups else "NA"
        ),
        "special_remarks_en": "",
        "special_remarks_fr": "",
        "service_uri_en": f"https://example.gc.ca/csta/en/services/{service.number}",
        "service_uri_fr": f"https://example.gc.ca/acsc/fr/services/{service.number}",
        **dict(zip(ONLINE_POINT_FIELDS, points, strict=True)),
        **_volumes(service, fiscal_year),
    }
    if "NA" in points:
        cells["os_comments_client_interaction_en"] = (
            "Steps marked NA do not exist for this service: clients need no account and "
            "receive no formal decision."
        )
        cells["os_comments_client_interaction_fr"] = (
            "Les étapes marquées S.O. n'existent pas pour ce service : les clients n'ont pas "
            "besoin de compte et ne reçoivent pas de décision officielle."
        )
    return cells


def standard_cells(
    service: demo_data.DemoService, standard: demo_data.DemoStandard, fiscal_year: str
) -> dict[str, str]:
    year = demo_data.FISCAL_YEARS.index(fiscal_year)
    if standard.type == "ACS" and standard.channel == "ONL":
        total = 8760  # hours in a year: an availability standard
    elif standard.en == demo_data.SERVICES[4].standards[0].en:
        total = service.volume  # releases on schedule
    else:
        total = round(service.volume * _GROWTH[fiscal_year])
    return {
        "service_standard_en": standard.en,
        "service_standard_fr": standard.fr,
        "type": standard.type,
        "channel": standard.channel,
        "target": standard.target,
        "volume_meeting_target": str(round(total * standard.met[year])),
        "total_volume": str(total),
        "standards_targets_uri_en": demo_data.URI_EN,
        "standards_targets_uri_fr": demo_data.URI_FR,
        "performance_results_uri_en": demo_data.URI_EN + "/results",
        "performance_results_uri_fr": demo_data.URI_FR + "/resultats",
    }


class Command(BaseCommand):
    help = "Create the demo organization and staff accounts (idempotent) and print passwords."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            help="Use this password for every demo account instead of random ones (tests).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            sync_roles()
            accounts = self._accounts(options.get("password"))
            custodian = accounts["demo-custodian"][0]
            organization = self._organization(custodian)
            do_add_organization_member(organization, custodian, actor=accounts["demo-admin"][0])
            units = self._units(organization)
            created = self._services(organization, units, custodian)
            owner = accounts["demo-owner"][0]
            for service in Service.objects.filter(
                organization=organization, service_id__in=demo_data.OWNED_BY_DEMO_OWNER
            ):
                do_assign_service_owner(service, owner, actor=custodian)
            approved = FiscalYear.objects.get(
                organization=organization, code=demo_data.APPROVED_YEAR
            )
            if not approved.is_approved:
                do_approve_fiscal_year(approved, actor=custodian)
            self._memberships(units, accounts)
            self._rules(organization, custodian)
            generated = self._casework(organization, units, accounts)
        services = ServiceYear.objects.filter(fiscal_year__organization=organization).count()
        standards = StandardYear.objects.filter(fiscal_year__organization=organization).count()
        self.stdout.write(
            _(
                "Demo organization %(org)s: %(units)d units, %(services)d service records and "
                "%(standards)d standard records (%(created)d service records created now)."
            )
            % {
                "org": organization.owner_org,
                "units": len(units),
                "services": services,
                "standards": standards,
                "created": created,
            }
        )
        self.stdout.write(
            _("Demo casework: %(clients)d clients and %(cases)d cases created now.")
            % {"clients": generated.clients, "cases": generated.cases}
        )
        self.stdout.write(_("Demo staff accounts (user name, role, password):"))
        for username, (_user, role, password) in accounts.items():
            self.stdout.write(f"  {username:16} {role.label:22} {password}")

    def _memberships(
        self, units: dict[str, Unit], accounts: dict[str, tuple[User, Role, str]]
    ) -> None:
        for username, code, is_manager in demo_data.MEMBERSHIPS:
            UnitMembership.objects.get_or_create(
                unit=units[code],
                user=accounts[username][0],
                defaults={"is_manager": is_manager, "is_active": True},
            )

    def _rules(self, organization: Organization, actor: User) -> None:
        """A machine rule on the demo standards named in ``RULED_STANDARDS`` (once)."""
        standards = ServiceStandard.objects.filter(
            service__organization=organization,
            rule__isnull=True,
            years__service_standard_en__in=demo_data.RULED_STANDARDS,
        ).distinct()
        for standard in standards:
            words = standard.years.order_by("-fiscal_year__code").first()
            text = words.service_standard_en if words is not None else ""
            match = re.search(r"within (\d+ business days?)", text or "")
            if match is None:  # pragma: no cover - every ruled standard names its delay
                continue
            rule = StandardRule(
                standard.service_standard_id,
                Within.parse(match.group(1)),
                start="received",
                stop="resolved",
                pause_start=("awaiting_client",),
                pause_end=("resumed",),
            )
            do_set_standard_rule(standard, rule, actor=actor)

    def _casework(
        self,
        organization: Organization,
        units: dict[str, Unit],
        accounts: dict[str, tuple[User, Role, str]],
    ) -> generator.WriteCounts:
        """The generated clients and cases, once: nothing when the organization has cases."""
        if Case.objects.filter(entry_unit__organization=organization).exists():
            return generator.WriteCounts()
        now = timezone.now()
        start = now - timedelta(days=demo_data.CASEWORK_DAYS)
        rng = random.Random(demo_data.CASEWORK_SEED)  # noqa: S311 - demo data, not a secret
        staff: dict[int, list[int]] = {}
        for username, code, _manager in demo_data.MEMBERSHIPS:
            staff.setdefault(units[code].pk, []).append(accounts[username][0].pk)
        clients = list(
            generator.generate_clients(rng, demo_data.CASEWORK_CLIENTS, start=start, end=now)
        )
        cases = generator.generate_cases(
            rng,
            demo_data.CASEWORK_CASES,
            units=[
                generator.UnitInfo(unit.pk, unit.kind, unit.time_zone, unit.organization_id)
                for unit in units.values()
            ],
            services=list(
                Service.objects.filter(organization=organization).values_list(
                    "pk", "organization_id"
                )
            ),
            request_types=list(
                RequestType.objects.filter(is_active=True).values_list("pk", flat=True)
            ),
            staff=staff,
            clients=len(clients),
            start=start,
            end=now,
            taken=Case.objects.values_list("reference", flat=True),
        )
        return generator.write_generated(
            clients, cases, actor=accounts["demo-admin"][0], now=now, reason="demo"
        )

    def _accounts(self, password: str | None) -> dict[str, tuple[User, Role, str]]:
        accounts = {}
        for username, role in ACCOUNTS:
            secret = password or secrets.token_urlsafe(12)
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, email=f"{username}@example.gc.ca")
            user.is_staff = role is Role.ADMINISTRATOR
            user.set_password(secret)
            user.save()
            assign_role(user, role)
            accounts[username] = (user, role, secret)
        return accounts

    def _organization(self, actor: User) -> Organization:
        organization, _created = Organization.objects.get_or_create(
            owner_org=demo_data.OWNER_ORG,
            defaults={"title_en": demo_data.TITLE_EN, "title_fr": demo_data.TITLE_FR},
        )
        for code, (name_en, name_fr) in demo_data.PROGRAMS.items():
            Program.objects.get_or_create(
                organization=organization,
                code=code,
                defaults={"name_en": name_en, "name_fr": name_fr},
            )
        return organization

    def _units(self, organization: Organization) -> dict[str, Unit]:
        units = {}
        for spec in demo_data.UNITS:
            unit, _created = Unit.objects.get_or_create(
                organization=organization,
                code=spec.code,
                defaults={
                    "name_en": spec.name_en,
                    "name_fr": spec.name_fr,
                    "kind": spec.kind,
                    "time_zone": spec.time_zone,
                    "business_hours": spec.business_hours,
                    "holiday_jurisdiction": spec.holiday_jurisdiction,
                    "holiday_categories": spec.holiday_categories,
                },
            )
            if unit.holiday_categories != spec.holiday_categories:
                # A demo made before federal units observed the government holidays.
                unit.holiday_categories = spec.holiday_categories
                unit.save(update_fields=["holiday_categories"])
            for start, end, reason_en, reason_fr in spec.closures:
                UnitClosure.objects.get_or_create(
                    unit=unit,
                    starts_at=datetime.fromisoformat(start),
                    defaults={
                        "ends_at": datetime.fromisoformat(end),
                        "reason_en": reason_en,
                        "reason_fr": reason_fr,
                    },
                )
            for day, name_en, name_fr in spec.extra_days_off:
                UnitHoliday.objects.get_or_create(
                    unit=unit,
                    day=date.fromisoformat(day),
                    defaults={"name_en": name_en, "name_fr": name_fr},
                )
            units[spec.code] = unit
        return units

    def _services(self, organization: Organization, units: dict[str, Unit], actor: User) -> int:
        created = 0
        for fiscal_year in demo_data.FISCAL_YEARS:
            year = FiscalYear.objects.filter(organization=organization, code=fiscal_year).first()
            if year is not None and year.is_approved:
                continue
            existing = set(
                ServiceYear.objects.filter(
                    fiscal_year__organization=organization, fiscal_year__code=fiscal_year
                ).values_list("service__service_id", flat=True)
            )
            for service in demo_data.SERVICES:
                if service.service_id in existing:
                    continue
                record = do_create_service_year(
                    organization,
                    service.service_id,
                    fiscal_year,
                    service_cells(service, fiscal_year),
                    actor=actor,
                ).record
                created += 1
                unit = units[service.unit]
                do_update_service_year(
                    record,
                    {
                        "is_priority": "priority" in service.designations,
                        "is_mission_critical": "mission_critical" in service.designations,
                        "is_essential": "essential" in service.designations,
                        "responsibility_area": unit.name_en,
                        "responsible_unit": unit,
                        "authority": "Canadian Statistics and Trade Agency Act",
                        "service_owner": demo_data.TITLE_EN,
                        "service_provider": unit.name_en,
                        "has_service_agreements": service.scope == "ENTERPRISE",
                        "custodian": actor,
                        "revision_date": date(int(fiscal_year[:4]), 4, 15),
                    },
                    actor=actor,
                )
                for index, standard in enumerate(service.standards, start=1):
                    do_create_standard_year(
                        record,
                        f"{service.service_id}-S{index}",
                        standard_cells(service, standard, fiscal_year),
                        actor=actor,
                    )
                do_record_service_test(
                    record, {name: True for name, _q in SERVICE_TEST_QUESTIONS}, actor=actor
                )
                if "priority" in service.designations:
                    ratings = {name: PriorityRating.MEDIUM for name, _l in PRIORITY_CONSIDERATIONS}
                    ratings["volume"] = PriorityRating.HIGH
                    do_record_priority_assessment(record, ratings, actor=actor)
        return created
