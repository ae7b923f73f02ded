"""Models of casework: catalogues, cases (with the projection of their derived state), their
append-only event log and the log of reads of confidential cases."""

from comptoir.casework.models.attachments import Attachment, AttachmentSource
from comptoir.casework.models.cases import CHANNEL_CHOICES, Case, CaseQuerySet, Language, Priority
from comptoir.casework.models.catalogues import RequestType, Subject, SubjectTheme
from comptoir.casework.models.digests import DigestDelivery, DigestStatus
from comptoir.casework.models.events import CaseAccessLog, CaseEvent
from comptoir.casework.models.knowledge import Answer, CaseKnowledgeLink, Deliverable
from comptoir.casework.models.notices import NoticeKind, StaffNotice
from comptoir.casework.models.routing import RoutingRule

__all__ = [
    "CHANNEL_CHOICES",
    "Answer",
    "Attachment",
    "AttachmentSource",
    "Case",
    "CaseAccessLog",
    "CaseEvent",
    "CaseKnowledgeLink",
    "CaseQuerySet",
    "Deliverable",
    "DigestDelivery",
    "DigestStatus",
    "Language",
    "NoticeKind",
    "Priority",
    "RequestType",
    "RoutingRule",
    "StaffNotice",
    "Subject",
    "SubjectTheme",
]
