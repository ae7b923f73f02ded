"""Models of the service inventory.

The open-data fields of a yearly record keep their official names and hold the cell exactly as it
was published or entered (text), so that an export gives back the published values byte for byte.
Multi-value fields (``service_type``, ``service_scope``, ``client_target_groups``, ``program_id``,
``client_feedback_channel``...) are the comma-separated codes as published (``"EML,ONL,TEL"``);
``ServiceYear.codes(field)`` splits them. Volumes are the published cell (``"123"``, ``"NA"``,
``"ND"`` or blank); ``ServiceYear.volume(field)`` reads one as a number.
"""

from comptoir.inventory.models.assessments import (
    PriorityAssessment,
    PriorityRating,
    ServiceTestAssessment,
)
from comptoir.inventory.models.memberships import OrganizationMembership, UnitMembership
from comptoir.inventory.models.organizations import (
    Organization,
    Program,
    Unit,
    UnitClosure,
    UnitHoliday,
)
from comptoir.inventory.models.programs import ProgramCode
from comptoir.inventory.models.quality import Finding, ImportBatch, Resource, Severity
from comptoir.inventory.models.services import (
    SERVICE_FIELDS_STORED,
    STANDARD_FIELDS_STORED,
    FiscalYear,
    Service,
    ServiceOwnership,
    ServiceStandard,
    ServiceYear,
    StandardYear,
)

__all__ = [
    "SERVICE_FIELDS_STORED",
    "STANDARD_FIELDS_STORED",
    "Finding",
    "FiscalYear",
    "ImportBatch",
    "Organization",
    "OrganizationMembership",
    "PriorityAssessment",
    "PriorityRating",
    "Program",
    "ProgramCode",
    "Resource",
    "Service",
    "ServiceOwnership",
    "ServiceStandard",
    "ServiceTestAssessment",
    "ServiceYear",
    "Severity",
    "StandardYear",
    "Unit",
    "UnitClosure",
    "UnitHoliday",
    "UnitMembership",
]
