"""Screening rounds (矛盾纠纷排查): the county, a township or a village looks for disputes
over an area on a day and reports how many it found (zero reports allowed); each dispute
found can be registered for mediation from the round, with source ``screening``."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.committees.service import find_committee
from mediation.disputes.models import Dispute
from mediation.disputes.service import register_dispute
from mediation.screening.exceptions import (
    ScreeningRoundExhausted,
    ScreeningRoundNotFound,
)
from mediation.screening.models import ScreeningRound
from mediation.screening.schemas import (
    ScreeningDisputeCreate,
    ScreeningRoundCreate,
    ScreeningRoundFilters,
    ScreeningRoundRead,
)
from shared.auth import OrgScope, Principal
from shared.db import utcnow
from shared.errors import InvalidInput
from shared.pagination import Page, PageParams, paginate
from shared.personal_data import PersonalDataCipher
from shared.query import ensure_may_act_for, filtered, get_or_raise, in_org


async def create_round(
    session: AsyncSession, *, payload: ScreeningRoundCreate, org: OrgScope | None
) -> ScreeningRound:
    """Raises InvalidInput (``committee_id``: unknown, outside the caller's ``org``, or of
    another region or township) and Forbidden (403) for a round outside the caller's
    organisation."""
    if payload.committee_id is not None:
        committee = await find_committee(session, payload.committee_id, org=org)
        if committee is None:
            raise InvalidInput(
                "committee_id names no mediation committee",
                field="committee_id",
                code="unknown",
            )
        if committee.region_code != payload.region_code or (
            payload.township_code is not None
            and committee.township_code is not None
            and committee.township_code != payload.township_code
        ):
            raise InvalidInput(
                "the committee lies outside the region or township screened",
                field="committee_id",
                code="not_in_area",
            )
    if org is not None:
        ensure_may_act_for(
            org,
            region_code=payload.region_code,
            township_code=payload.township_code,
            committee_id=payload.committee_id,
        )
    round_ = ScreeningRound(**payload.model_dump(), disputes_opened=0)
    session.add(round_)
    await session.flush()
    return round_


async def get_round(
    session: AsyncSession, round_id: uuid.UUID, *, org: OrgScope | None
) -> ScreeningRound:
    """Raises ScreeningRoundNotFound, also for a round outside the caller's ``org``."""
    return await get_or_raise(
        session, ScreeningRound, round_id, ScreeningRoundNotFound, org=org
    )


async def list_rounds(
    session: AsyncSession,
    *,
    filters: ScreeningRoundFilters,
    page: PageParams,
    org: OrgScope | None,
) -> Page[ScreeningRoundRead]:
    stmt = filtered(
        select(ScreeningRound),
        ScreeningRound,
        filters,
        year_column=ScreeningRound.screened_on,
    )
    stmt = in_org(stmt, ScreeningRound, org)
    return await paginate(
        session,
        stmt,
        page,
        model=ScreeningRound,
        to_item=ScreeningRoundRead.model_validate,
    )


async def register_found_dispute(
    session: AsyncSession,
    round_: ScreeningRound,
    *,
    payload: ScreeningDisputeCreate,
    actor: Principal,
    time_limit_days: int,
    org: OrgScope | None,
    cipher: PersonalDataCipher,
    abbreviations: dict[str, str] | None = None,
) -> Dispute:
    """Register one dispute the round found (source ``screening``, linked by
    ``screening_round_id``) and count it on the round, whose version moves on.

    Raises ScreeningRoundExhausted (409) when the round's ``disputes_found`` are all
    registered already (a zero report has none); InvalidInput (``registered_on`` before
    the round; ``committee_id`` of another region, or of another township than a
    township or village round's) besides those of
    :func:`mediation.disputes.service.register_dispute`."""
    if round_.disputes_opened >= round_.disputes_found:
        raise ScreeningRoundExhausted(
            f"The round found {round_.disputes_found} dispute(s) and "
            f"{round_.disputes_opened} are registered from it already",
            disputes_found=round_.disputes_found,
            disputes_opened=round_.disputes_opened,
        )
    if payload.registered_on < round_.screened_on:
        raise InvalidInput(
            f"registered_on is before the round screened ({round_.screened_on})",
            field="registered_on",
            code="too_early",
        )
    committee = await find_committee(session, payload.committee_id, org=org)
    if committee is not None and (
        committee.region_code != round_.region_code
        or (
            round_.township_code is not None
            and committee.township_code is not None
            and committee.township_code != round_.township_code
        )
    ):
        raise InvalidInput(
            "the committee lies outside the region or township the round screened",
            field="committee_id",
            code="not_in_area",
        )
    dispute = await register_dispute(
        session,
        payload=payload,
        actor=actor,
        time_limit_days=time_limit_days,
        org=org,
        cipher=cipher,
        abbreviations=abbreviations,
        screening_round_id=round_.id,
    )
    round_.disputes_opened += 1
    round_.updated_at = utcnow()
    await session.flush()
    return dispute
