"""Small typed builders: only the fields a test cares about appear in the test."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from reconsideration.agency_points.models import AgencyPoint
from reconsideration.agency_points.schemas import AgencyPointCreate, Close
from reconsideration.agency_points.service import apply_command as apply_point_command
from reconsideration.agency_points.service import create_agency_point
from reconsideration.applications.models import ReconsiderationApplication
from reconsideration.applications.schemas import ApplicationCommand, ApplicationCreate
from reconsideration.applications.service import apply_command, receive_application
from reconsideration.collective_discussions.models import CollectiveDiscussion
from reconsideration.collective_discussions.schemas import CollectiveDiscussionCreate
from reconsideration.collective_discussions.service import create_collective_discussion
from reconsideration.litigation.models import LitigationCase, LitigationOutcome
from reconsideration.litigation.schemas import (
    Conclude,
    HearingCreate,
    LitigationCaseCreate,
)
from reconsideration.litigation.service import apply_command as apply_litigation_command
from reconsideration.litigation.service import file_case, record_hearing
from reconsideration.opinion_letters.models import OpinionLetter
from reconsideration.opinion_letters.schemas import OpinionLetterCreate, RecordReply
from reconsideration.opinion_letters.service import (
    apply_command as apply_letter_command,
)
from reconsideration.opinion_letters.service import issue_opinion_letter
from shared.auth import Principal

REGION = "421222"
TOWNSHIP = "421222100"
ACTOR = Principal(subject="test-user")
UNKNOWN_ID = "7d0f7a38-3c41-4c3c-9a5f-2f1a2f5a0b1c"

_commands: TypeAdapter[ApplicationCommand] = TypeAdapter(ApplicationCommand)


def step(type_: str, on: dt.date, **fields: Any) -> dict[str, Any]:
    """One application command as the API takes it."""
    return {"type": type_, "occurred_on": on.isoformat(), **fields}


async def make_agency_point(
    session: AsyncSession,
    *,
    region_code: str = REGION,
    township_code: str = TOWNSHIP,
    established_on: dt.date = dt.date(2023, 3, 1),
    closed_on: dt.date | None = None,
) -> AgencyPoint:
    point = await create_agency_point(
        session,
        payload=AgencyPointCreate(
            region_code=region_code,
            township_code=township_code,
            name="测试代办点",
            established_on=established_on,
        ),
        actor=ACTOR,
    )
    if closed_on is not None:
        await apply_point_command(
            session,
            point,
            command=Close(type="close", occurred_on=closed_on),
            actor=ACTOR,
        )
    return point


async def make_application(
    session: AsyncSession, *, steps: Sequence[dict[str, Any]] = (), **overrides: Any
) -> ReconsiderationApplication:
    """An application received on 2023-03-01 (unless overridden), taken through ``steps``."""
    data: dict[str, Any] = {
        "region_code": REGION,
        "received_on": dt.date(2023, 3, 1),
        "receipt_channel": "in_person",
        "applicant_name": "张某",
        "applicant_kind": "person",
        "respondent": "县市场监督管理局",
        "matter_type": "penalty",
    }
    data.update(overrides)
    application = await receive_application(
        session, payload=ApplicationCreate(**data), actor=ACTOR
    )
    for command in steps:
        await apply_command(
            session,
            application,
            command=_commands.validate_python(command),
            actor=ACTOR,
        )
    return application


def accepted_steps(on: dt.date, *, deemed: bool = False) -> list[dict[str, Any]]:
    """Review and accept (or deem accepted) on ``on``, then copy to the respondent the same day."""
    if deemed:
        return [step("deem_accepted", on), step("copy_to_respondent", on)]
    return [
        step("start_review", on),
        step("accept", on, procedure="ordinary"),
        step("copy_to_respondent", on),
    ]


async def make_discussion(
    session: AsyncSession,
    *,
    region_code: str = REGION,
    held_on: dt.date = dt.date(2023, 5, 1),
) -> CollectiveDiscussion:
    return await create_collective_discussion(
        session,
        payload=CollectiveDiscussionCreate(
            region_code=region_code, held_on=held_on, chair="分管副县长"
        ),
        org=ACTOR.org,
    )


async def make_opinion_letter(
    session: AsyncSession,
    *,
    region_code: str = REGION,
    issued_on: dt.date = dt.date(2023, 5, 1),
    received_on: dt.date | None = None,
    replied_on: dt.date | None = None,
) -> OpinionLetter:
    letter = await issue_opinion_letter(
        session,
        payload=OpinionLetterCreate(
            region_code=region_code,
            agency="县自然资源局",
            issued_on=issued_on,
            received_on=received_on or issued_on,
        ),
        actor=ACTOR,
    )
    if replied_on is not None:
        command = RecordReply(type="record_reply", occurred_on=replied_on)
        await apply_letter_command(session, letter, command=command, actor=ACTOR)
    return letter


async def make_litigation_case(
    session: AsyncSession,
    *,
    region_code: str = REGION,
    filed_on: dt.date = dt.date(2023, 3, 1),
    county_government_party: bool = True,
    hearings: Sequence[tuple[dt.date, bool]] = (),
    concluded_on: dt.date | None = None,
    outcome: LitigationOutcome = LitigationOutcome.won,
) -> LitigationCase:
    """A case with ``hearings`` as (held_on, head_appeared), concluded on ``concluded_on`` if given."""
    case = await file_case(
        session,
        payload=LitigationCaseCreate(
            region_code=region_code,
            case_number=f"(2023)鄂1222行初{uuid.uuid4().hex[:6]}号",
            court="通城县人民法院",
            defendant_agency="县人力资源和社会保障局",
            county_government_party=county_government_party,
            cause="工伤认定",
            stage="first_instance",
            filed_on=filed_on,
        ),
        actor=ACTOR,
    )
    for held_on, appeared in hearings:
        payload = HearingCreate(
            held_on=held_on,
            head_appeared=appeared,
            head_name="赵某" if appeared else None,
            head_post="局长" if appeared else None,
        )
        await record_hearing(session, case, payload=payload, actor=ACTOR)
    if concluded_on is not None:
        command = Conclude(type="conclude", occurred_on=concluded_on, outcome=outcome)
        await apply_litigation_command(session, case, command=command, actor=ACTOR)
    return case
