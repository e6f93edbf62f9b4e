"""Every table of the reconsideration service, so that ``Base.metadata`` is complete."""

from reconsideration.agency_points.models import AgencyPoint, AgencyPointEvent
from reconsideration.applications.models import (
    ApplicationEvent,
    ReconsiderationApplication,
)
from reconsideration.audit.models import AuditEvent
from reconsideration.collective_discussions.models import CollectiveDiscussion
from reconsideration.db import Base, CaseNumberCounter, IdempotencyRecord
from reconsideration.deadlines.models import ApplicationDeadline, LoadedCalendarYear
from reconsideration.litigation.models import Hearing, LitigationCase, LitigationEvent
from reconsideration.opinion_letters.models import OpinionLetter, OpinionLetterEvent

__all__ = [
    "AgencyPoint",
    "AgencyPointEvent",
    "ApplicationDeadline",
    "ApplicationEvent",
    "AuditEvent",
    "Base",
    "CaseNumberCounter",
    "CollectiveDiscussion",
    "Hearing",
    "IdempotencyRecord",
    "LitigationCase",
    "LitigationEvent",
    "LoadedCalendarYear",
    "OpinionLetter",
    "OpinionLetterEvent",
    "ReconsiderationApplication",
]
