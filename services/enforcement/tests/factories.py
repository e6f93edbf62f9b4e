"""Small typed builders: only the fields a test cares about appear in the test."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from enforcement.agencies.models import EnforcementAgency
from enforcement.agencies.schemas import AgencyCreate
from enforcement.agencies.service import create_agency
from enforcement.campaigns.models import (
    ProblemClue,
    ProblemClueEventType,
    SpecialCampaign,
)
from enforcement.campaigns.schemas import CampaignCreate, ProblemClueCreate
from enforcement.campaigns.schemas import Rectify as RectifyClue
from enforcement.campaigns.service import (
    apply_clue_command,
    record_clue,
    start_campaign,
)
from enforcement.case_file_reviews.models import CaseFileReview
from enforcement.case_file_reviews.schemas import GradeThresholds, ReviewCreate
from enforcement.case_file_reviews.service import record_review
from enforcement.inspections.models import InspectionItem, RandomInspection
from enforcement.inspections.schemas import InspectionItemCreate, RandomInspectionCreate
from enforcement.inspections.service import put_item_on_list, record_inspection
from enforcement.instruments.models import (
    EscalationMeasure,
    InstrumentEventType,
    InstrumentKind,
    SupervisionInstrument,
)
from enforcement.instruments.schemas import (
    Escalate,
    InstrumentCreate,
    MarkOverdue,
    RecordReply,
    VerifyRectification,
)
from enforcement.instruments.service import apply_command as apply_instrument_command
from enforcement.instruments.service import issue_instrument
from enforcement.judgment_performances.models import (
    JudgmentPerformance,
    JudgmentPerformanceEventType,
)
from enforcement.judgment_performances.schemas import JudgmentPerformanceCreate
from enforcement.judgment_performances.schemas import Rectify as RectifyJudgment
from enforcement.judgment_performances.service import (
    apply_command as apply_judgment_command,
)
from enforcement.judgment_performances.service import record_performance
from enforcement.lenient_items.models import LenientEnforcementListItem, LenientMeasure
from enforcement.lenient_items.schemas import LenientItemCreate
from enforcement.lenient_items.service import add_item
from enforcement.officers.models import Officer
from enforcement.officers.schemas import OfficerCreate
from enforcement.officers.service import create_officer
from enforcement.social_supervisors.models import SocialSupervisor
from enforcement.social_supervisors.schemas import SupervisorCreate
from enforcement.social_supervisors.service import appoint_supervisor
from enforcement.teams.models import ComprehensiveEnforcementTeam
from enforcement.teams.schemas import TeamCreate
from enforcement.teams.service import create_team
from shared.auth import OrgScope, Principal
from shared.personal_data import PersonalDataCipher

REGION = "421222"
OTHER_REGION = "421223"
ACTOR = Principal(subject="test-user")
#: The builders act for no particular organisation (a provincial caller).
ANYWHERE = OrgScope()
#: The cipher of the test apps' personal-data key (tests/conftest.py).
CIPHER = PersonalDataCipher(bytes(range(32)))
THRESHOLDS = GradeThresholds(excellent=Decimal(90), good=Decimal(80), pass_=Decimal(60))
UNKNOWN_ID = "7d0f7a38-3c41-4c3c-9a5f-2f1a2f5a0b1c"


def _suffix() -> str:
    return uuid.uuid4().hex[:8]


async def make_agency(
    session: AsyncSession,
    *,
    region_code: str = REGION,
    name: str | None = None,
    sector: str = "市场监管",
) -> EnforcementAgency:
    return await create_agency(
        session,
        org=ANYWHERE,
        payload=AgencyCreate(
            region_code=region_code, name=name or f"测试局{_suffix()}", sector=sector
        ),
    )


async def make_team(
    session: AsyncSession,
    agencies: Sequence[EnforcementAgency],
    *,
    established_on: dt.date = dt.date(2023, 3, 1),
    dissolved_on: dt.date | None = None,
    region_code: str = REGION,
) -> ComprehensiveEnforcementTeam:
    return await create_team(
        session,
        org=ANYWHERE,
        payload=TeamCreate(
            region_code=region_code,
            name=f"综合执法大队{_suffix()}",
            established_on=established_on,
            dissolved_on=dissolved_on,
            member_agency_ids=[a.id for a in agencies],
        ),
    )


async def make_officer(
    session: AsyncSession,
    agency: EnforcementAgency,
    *,
    hired_on: dt.date = dt.date(2023, 3, 1),
    training_completed_on: dt.date | None = None,
    certificate_valid_until: dt.date = dt.date(2028, 12, 31),
) -> Officer:
    return await create_officer(
        session,
        org=ANYWHERE,
        payload=OfficerCreate(
            agency_id=agency.id,
            name="执法员甲",
            certificate_number=f"T{_suffix()}",
            certificate_valid_until=certificate_valid_until,
            hired_on=hired_on,
            training_completed_on=training_completed_on,
        ),
    )


async def make_instrument(
    session: AsyncSession,
    agency: EnforcementAgency,
    *,
    kind: InstrumentKind = InstrumentKind.recommendation,
    issued_on: dt.date = dt.date(2023, 3, 1),
    outcome: str | None = None,
    rectified_on: dt.date | None = None,
) -> SupervisionInstrument:
    """An instrument, optionally taken to ``outcome``: ``replied``, ``rectified``
    (verified on ``rectified_on``, default 20 days after issue), ``overdue`` or ``escalated``."""
    instrument = await issue_instrument(
        session,
        org=ANYWHERE,
        payload=InstrumentCreate(
            kind=kind,
            agency_id=agency.id,
            findings="执法程序不规范",
            required_actions="限期整改",
            issued_on=issued_on,
        ),
        actor=ACTOR,
        rectification_days=30,
    )
    if outcome in ("replied", "rectified"):
        reply = RecordReply(
            type=InstrumentEventType.record_reply,
            occurred_on=issued_on + dt.timedelta(days=10),
            reply="已整改",
        )
        await apply_instrument_command(session, instrument, command=reply, actor=ACTOR)
    if outcome == "rectified":
        verify = VerifyRectification(
            type=InstrumentEventType.verify_rectification,
            occurred_on=rectified_on or issued_on + dt.timedelta(days=20),
        )
        await apply_instrument_command(session, instrument, command=verify, actor=ACTOR)
    if outcome in ("overdue", "escalated"):
        overdue = MarkOverdue(
            type=InstrumentEventType.mark_overdue,
            occurred_on=instrument.due_on + dt.timedelta(days=1),
        )
        await apply_instrument_command(
            session, instrument, command=overdue, actor=ACTOR
        )
    if outcome == "escalated":
        escalate = Escalate(
            type=InstrumentEventType.escalate,
            occurred_on=instrument.due_on + dt.timedelta(days=5),
            measure=EscalationMeasure.talk_with_leaders,
        )
        await apply_instrument_command(
            session, instrument, command=escalate, actor=ACTOR
        )
    return instrument


async def make_review(
    session: AsyncSession,
    agency: EnforcementAgency,
    *,
    reviewed_on: dt.date = dt.date(2023, 6, 1),
    total_score: Decimal = Decimal("85.0"),
    veto: bool = False,
) -> CaseFileReview:
    return await record_review(
        session,
        org=ANYWHERE,
        payload=ReviewCreate(
            agency_id=agency.id,
            case_reference=f"通执罚〔2023〕{_suffix()}号",
            reviewed_on=reviewed_on,
            reviewer="评查员",
            total_score=total_score,
            veto=veto,
        ),
        thresholds=THRESHOLDS,
    )


async def make_supervisor(
    session: AsyncSession,
    *,
    region_code: str = REGION,
    enterprise_related: bool = True,
    appointed_on: dt.date = dt.date(2023, 5, 1),
) -> SocialSupervisor:
    return await appoint_supervisor(
        session,
        org=ANYWHERE,
        cipher=CIPHER,
        payload=SupervisorCreate(
            region_code=region_code,
            name="监督员甲",
            sector="工商联",
            enterprise_related=enterprise_related,
            appointed_on=appointed_on,
            term_ends_on=appointed_on + dt.timedelta(days=3 * 365),
        ),
    )


async def make_item(
    session: AsyncSession,
    agency: EnforcementAgency,
    *,
    listed_on: dt.date = dt.date(2022, 1, 1),
    delisted_on: dt.date | None = None,
) -> InspectionItem:
    return await put_item_on_list(
        session,
        org=ANYWHERE,
        payload=InspectionItemCreate(
            agency_id=agency.id,
            name=f"抽查事项{_suffix()}",
            listed_on=listed_on,
            delisted_on=delisted_on,
        ),
    )


async def make_inspection(
    session: AsyncSession,
    lead: EnforcementAgency,
    items: Sequence[InspectionItem],
    *,
    participants: Sequence[EnforcementAgency] = (),
    inspected_on: dt.date = dt.date(2023, 6, 1),
) -> RandomInspection:
    return await record_inspection(
        session,
        org=ANYWHERE,
        payload=RandomInspectionCreate(
            inspected_on=inspected_on,
            lead_agency_id=lead.id,
            participating_agency_ids=[a.id for a in participants],
            inspection_item_ids=[i.id for i in items],
            entities_inspected=10,
        ),
    )


async def make_lenient_item(
    session: AsyncSession,
    agency: EnforcementAgency,
    *,
    measure: LenientMeasure = LenientMeasure.exempt,
    effective_on: dt.date = dt.date(2023, 4, 1),
) -> LenientEnforcementListItem:
    return await add_item(
        session,
        org=ANYWHERE,
        payload=LenientItemCreate(
            agency_id=agency.id,
            measure=measure,
            matter="首次轻微违法",
            legal_basis="《中华人民共和国行政处罚法》第三十三条",
            effective_on=effective_on,
        ),
    )


async def make_campaign(
    session: AsyncSession,
    *,
    region_code: str = REGION,
    started_on: dt.date = dt.date(2022, 3, 1),
) -> SpecialCampaign:
    return await start_campaign(
        session,
        org=ANYWHERE,
        payload=CampaignCreate(
            region_code=region_code, name="专项整治", started_on=started_on
        ),
    )


async def make_clue(
    session: AsyncSession,
    campaign: SpecialCampaign,
    agency: EnforcementAgency,
    *,
    found_on: dt.date = dt.date(2023, 5, 1),
    rectified_on: dt.date | None = None,
) -> ProblemClue:
    clue = await record_clue(
        session,
        campaign,
        org=ANYWHERE,
        payload=ProblemClueCreate(
            agency_id=agency.id, found_on=found_on, description="问题线索"
        ),
    )
    if rectified_on is not None:
        command = RectifyClue(
            type=ProblemClueEventType.rectify, occurred_on=rectified_on
        )
        await apply_clue_command(session, clue, command=command, actor=ACTOR)
    return clue


async def make_judgment(
    session: AsyncSession,
    agency: EnforcementAgency,
    *,
    found_on: dt.date = dt.date(2022, 10, 1),
    rectified_on: dt.date | None = None,
) -> JudgmentPerformance:
    performance = await record_performance(
        session,
        org=ANYWHERE,
        payload=JudgmentPerformanceCreate(
            agency_id=agency.id,
            judgment_reference=f"(2022)鄂1222行初{_suffix()}号",
            found_on=found_on,
        ),
    )
    if rectified_on is not None:
        command = RectifyJudgment(
            type=JudgmentPerformanceEventType.rectify, occurred_on=rectified_on
        )
        await apply_judgment_command(session, performance, command=command, actor=ACTOR)
    return performance
