"""Small typed builders: only the fields a test cares about appear in the test."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mediation.committees.models import CommitteeKind, MediationCommittee
from mediation.committees.schemas import CommitteeCreate
from mediation.committees.service import create_committee
from mediation.disputes.models import Dispute, DisputeType, MediationMode
from mediation.disputes.schemas import (
    AgreementCreate,
    DisputeCreate,
    Fail,
    PartyCreate,
    Resolve,
    StartMediation,
)
from mediation.disputes.service import apply_command, register_dispute
from mediation.mediators.models import Mediator, MediatorEmployment
from mediation.mediators.schemas import MediatorCreate
from mediation.mediators.service import create_mediator
from mediation.trainings.models import Training
from mediation.trainings.schemas import TrainingCreate
from mediation.trainings.service import create_training
from shared.auth import Principal
from shared.personal_data import PersonalDataCipher
from tests.conftest import TEST_PERSONAL_DATA_KEY

REGION = "421222"
TOWNSHIP = "421222100"
ACTOR = Principal(subject="test-user")
#: The cipher of the test apps (tests/conftest.py's key).
CIPHER = PersonalDataCipher(base64.b64decode(TEST_PERSONAL_DATA_KEY))


async def make_committee(
    session: AsyncSession,
    *,
    region_code: str = REGION,
    township_code: str | None = TOWNSHIP,
    kind: CommitteeKind = CommitteeKind.township,
    founded_on: dt.date | None = None,
) -> MediationCommittee:
    return await create_committee(
        session,
        payload=CommitteeCreate(
            region_code=region_code,
            township_code=township_code,
            name="测试调委会",
            kind=kind,
            founded_on=founded_on,
        ),
        org=None,
    )


async def make_mediator(
    session: AsyncSession,
    committee: MediationCommittee,
    *,
    employment: MediatorEmployment = MediatorEmployment.full_time,
    recruited_on: dt.date = dt.date(2023, 3, 1),
) -> Mediator:
    return await create_mediator(
        session,
        payload=MediatorCreate(
            committee_id=committee.id,
            name="调解员甲",
            employment=employment,
            recruited_on=recruited_on,
        ),
        org=None,
    )


async def make_training(
    session: AsyncSession,
    *,
    region_code: str = REGION,
    township_code: str | None = None,
    held_on: dt.date = dt.date(2023, 5, 1),
) -> Training:
    return await create_training(
        session,
        payload=TrainingCreate(
            region_code=region_code,
            township_code=township_code,
            title="培训",
            held_on=held_on,
            attendees_count=30,
        ),
        org=None,
    )


def dispute_payload(committee: MediationCommittee, **overrides: Any) -> DisputeCreate:
    data: dict[str, Any] = {
        "committee_id": committee.id,
        "dispute_type": DisputeType.neighbour,
        "source": "application",
        "mode": MediationMode.on_site,
        "summary": "相邻通行纠纷",
        "parties": [
            PartyCreate(kind="person", name="张某"),
            PartyCreate(kind="person", name="李某"),
        ],
        "registered_on": dt.date(2023, 3, 1),
    }
    data.update(overrides)
    return DisputeCreate(**data)


async def make_dispute(
    session: AsyncSession,
    committee: MediationCommittee,
    *,
    outcome: str | None = None,
    concluded_on: dt.date | None = None,
    time_limit_days: int = 30,
    **overrides: Any,
) -> Dispute:
    """A dispute, optionally taken to ``outcome`` ``mediating``, ``resolved`` or ``failed``."""
    dispute = await register_dispute(
        session,
        payload=dispute_payload(committee, **overrides),
        actor=ACTOR,
        time_limit_days=time_limit_days,
        org=None,
        cipher=CIPHER,
    )
    if outcome is None:
        return dispute
    on = dispute.registered_on
    await apply_command(
        session,
        dispute,
        command=StartMediation(type="start_mediation", occurred_on=on),
        actor=ACTOR,
    )
    end = concluded_on or on + dt.timedelta(days=5)
    if outcome == "resolved":
        agreement = AgreementCreate(
            form="written", terms="双方同意", performance_due_on=None
        )
        command: Resolve | Fail = Resolve(
            type="resolve", occurred_on=end, agreement=agreement
        )
        await apply_command(session, dispute, command=command, actor=ACTOR)
    elif outcome == "failed":
        await apply_command(
            session,
            dispute,
            command=Fail(type="fail", occurred_on=end, reason="分歧过大"),
            actor=ACTOR,
        )
    return dispute
