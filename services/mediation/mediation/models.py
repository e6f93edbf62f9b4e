"""Every table of the mediation service, so that ``Base.metadata`` is complete."""

from mediation.audit.models import AuditEvent
from mediation.committees.models import CommitteeMember, MediationCommittee
from mediation.db import Base, CaseNumberCounter, IdempotencyRecord
from mediation.disputes.models import Dispute, DisputeEvent, DisputeParty
from mediation.mediators.models import Mediator
from mediation.screening.models import ScreeningRound
from mediation.statistics import rollups as _rollups  # noqa: F401  (installs the counters)
from mediation.statistics.models import StatisticsRollup
from mediation.trainings.models import Training

__all__ = [
    "AuditEvent",
    "Base",
    "CaseNumberCounter",
    "CommitteeMember",
    "Dispute",
    "DisputeEvent",
    "DisputeParty",
    "IdempotencyRecord",
    "MediationCommittee",
    "Mediator",
    "ScreeningRound",
    "StatisticsRollup",
    "Training",
]
