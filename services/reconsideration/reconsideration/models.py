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
from reconsideration.statistics.models import ChangeStamp
from shared.snapshots import track_changes

__all__ = [
    "AgencyPoint",
    "AgencyPointEvent",
    "ApplicationDeadline",
    "ApplicationEvent",
    "AuditEvent",
    "Base",
    "CaseNumberCounter",
    "ChangeStamp",
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

# Any change of a record but the audit log's, the idempotency keys' and the case-number
# counters' gives the statistics a new stamp (shared.snapshots).
track_changes(
    Base, ChangeStamp, ignore=(AuditEvent, IdempotencyRecord, CaseNumberCounter)
)
