"""Every table of the enforcement service, so that ``Base.metadata`` is complete."""

from enforcement.agencies.models import EnforcementAgency
from enforcement.audit.models import AuditEvent
from enforcement.campaigns.models import ProblemClue, ProblemClueEvent, SpecialCampaign
from enforcement.case_file_reviews.models import CaseFileReview, CaseFileReviewOfficer
from enforcement.case_file_rubrics.models import CaseFileRubric, CaseFileRubricItem
from enforcement.db import Base, CaseNumberCounter, IdempotencyRecord
from enforcement.inspections.models import (
    InspectionItem,
    InspectionItemEvent,
    RandomInspection,
    RandomInspectionAgency,
    RandomInspectionEvent,
    RandomInspectionItem,
    RandomInspectionOfficer,
)
from enforcement.instruments.models import InstrumentEvent, SupervisionInstrument
from enforcement.judgment_performances.models import (
    JudgmentPerformance,
    JudgmentPerformanceEvent,
)
from enforcement.lenient_items.models import LenientEnforcementListItem
from enforcement.officers.models import Officer, OfficerEvent
from enforcement.social_supervisors.models import SocialSupervisor
from enforcement.statistics.models import ChangeStamp
from enforcement.teams.models import ComprehensiveEnforcementTeam, TeamEvent, TeamMember
from enforcement.tips.models import Tip
from shared.snapshots import track_changes

__all__ = [
    "AuditEvent",
    "Base",
    "CaseFileReview",
    "CaseFileReviewOfficer",
    "CaseFileRubric",
    "CaseFileRubricItem",
    "CaseNumberCounter",
    "ChangeStamp",
    "ComprehensiveEnforcementTeam",
    "EnforcementAgency",
    "IdempotencyRecord",
    "InspectionItem",
    "InspectionItemEvent",
    "InstrumentEvent",
    "JudgmentPerformance",
    "JudgmentPerformanceEvent",
    "LenientEnforcementListItem",
    "Officer",
    "OfficerEvent",
    "ProblemClue",
    "ProblemClueEvent",
    "RandomInspection",
    "RandomInspectionAgency",
    "RandomInspectionEvent",
    "RandomInspectionItem",
    "RandomInspectionOfficer",
    "SocialSupervisor",
    "SpecialCampaign",
    "SupervisionInstrument",
    "TeamEvent",
    "TeamMember",
    "Tip",
]

# Any change of a record but the audit log's, the idempotency keys' and the case-number
# counters' gives the statistics a new stamp (shared.snapshots).
track_changes(
    Base, ChangeStamp, ignore=(AuditEvent, IdempotencyRecord, CaseNumberCounter)
)
