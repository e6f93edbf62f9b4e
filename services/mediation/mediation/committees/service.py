from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from mediation.committees.exceptions import CommitteeNotFound
from mediation.committees.models import (
    CommitteeKind,
    CommitteeMember,
    MediationCommittee,
    MemberRole,
    Sex,
)
from mediation.committees.schemas import (
    CommitteeComposition,
    CommitteeCreate,
    CommitteeFilters,
    CommitteeRead,
    CommitteeWarning,
    MemberCreate,
    MemberRead,
)
from shared.auth import Forbidden, OrgScope
from shared.db import utcnow
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, filtered, in_org
from shared.types import today

#: Members of a village or residents' committee (人民调解法 Art. 9).
MIN_MEMBERS, MAX_MEMBERS = 3, 9
#: Years of a village or residents' committee's term (人民调解法 Art. 9).
TERM_YEARS = 3


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def committee_warnings(
    committee: MediationCommittee, *, as_of: dt.date
) -> list[CommitteeWarning]:
    """The rules of 人民调解法 Art. 8–9 a village or residents' committee breaks as
    recorded (3 to 9 members, one chair, a woman among them, a 3-year term), and for any
    committee a term that has ended. The law is warned about, never enforced: the record
    shows the committee as it is."""
    out: list[CommitteeWarning] = []

    def warn(code: str, message: str) -> None:
        out.append(CommitteeWarning(code=code, message=message))

    members = committee.members
    if committee.kind in CommitteeKind.elected():
        if len(members) < MIN_MEMBERS:
            warn(
                "members_too_few",
                f"{len(members)} members recorded; the law asks for {MIN_MEMBERS} to "
                f"{MAX_MEMBERS}",
            )
        if len(members) > MAX_MEMBERS:
            warn(
                "members_too_many",
                f"{len(members)} members recorded; the law asks for {MIN_MEMBERS} to "
                f"{MAX_MEMBERS}",
            )
        if not any(m.sex is Sex.female for m in members):
            warn("no_woman_member", "The law asks for a woman among the members")
        chairs = sum(m.role is MemberRole.chair for m in members)
        if chairs == 0:
            warn("no_chair", "The law asks for one chair (主任)")
        elif chairs > 1:
            warn("more_than_one_chair", f"{chairs} chairs; the law asks for one")
        start, end = committee.term_starts_on, committee.term_ends_on
        if (
            start is not None
            and end is not None
            and end > _years_after(start, TERM_YEARS)
        ):
            warn(
                "term_longer_than_three_years",
                f"The term {start} – {end} is longer than {TERM_YEARS} years",
            )
    if committee.term_ends_on is not None and committee.term_ends_on < as_of:
        warn(
            "term_ended",
            f"The term ended on {committee.term_ends_on}; record the new composition",
        )
    return out


def committee_read(
    committee: MediationCommittee, *, as_of: dt.date | None = None
) -> CommitteeRead:
    """The committee with its members and its warnings as of ``as_of`` (default today)."""
    return CommitteeRead(
        id=committee.id,
        region_code=committee.region_code,
        township_code=committee.township_code,
        name=committee.name,
        kind=committee.kind,
        founded_on=committee.founded_on,
        term_starts_on=committee.term_starts_on,
        term_ends_on=committee.term_ends_on,
        members=[MemberRead.model_validate(m) for m in committee.members],
        warnings=committee_warnings(committee, as_of=as_of or today()),
        created_at=committee.created_at,
        updated_at=committee.updated_at,
        version=committee.version,
    )


def _members(members: list[MemberCreate]) -> list[CommitteeMember]:
    return [
        CommitteeMember(position=i, name=m.name, sex=m.sex, role=m.role)
        for i, m in enumerate(members)
    ]


def committees_in_org(stmt: Select[Any], org: OrgScope | None) -> Select[Any]:
    """Restrict ``stmt`` (over committees) to the caller's organisation.

    Region and township are the committee's columns of those names (:func:`in_org`).
    A committee has no ``committee_id`` column: it *is* the committee, so a
    committee-scoped caller (a mediator works for one committee) is matched by the
    committee's own ``id``.
    """
    stmt = in_org(stmt, MediationCommittee, org)
    if org is not None and org.committee_id is not None:
        stmt = stmt.where(MediationCommittee.id == org.committee_id)
    return stmt


async def create_committee(
    session: AsyncSession, *, payload: CommitteeCreate, org: OrgScope | None
) -> MediationCommittee:
    """Raises Forbidden (403) for a committee outside the caller's organisation; a
    committee-scoped caller may not register committees (a new committee is never the
    one it works for)."""
    if org is not None:
        ensure_may_act_for(
            org, region_code=payload.region_code, township_code=payload.township_code
        )
        if org.committee_id is not None:
            raise Forbidden("A committee's staff may not register other committees")
    committee = MediationCommittee(
        **payload.model_dump(exclude={"members"}), members=_members(payload.members)
    )
    session.add(committee)
    await session.flush()
    return committee


async def replace_composition(
    session: AsyncSession,
    committee: MediationCommittee,
    *,
    payload: CommitteeComposition,
) -> MediationCommittee:
    """Record the committee's members and term as elected or appointed, replacing the
    previous ones (the audit trail keeps them). The committee's version moves on."""
    committee.members = _members(payload.members)
    committee.term_starts_on = payload.term_starts_on
    committee.term_ends_on = payload.term_ends_on
    # The committee row itself must change so that its version (its ETag) moves on even
    # when only the members did.
    committee.updated_at = utcnow()
    await session.flush()
    return committee


async def get_committee(
    session: AsyncSession, committee_id: uuid.UUID, *, org: OrgScope | None
) -> MediationCommittee:
    """Raises CommitteeNotFound, also for a committee outside the caller's ``org``."""
    committee = await find_committee(session, committee_id, org=org, members=True)
    if committee is None:
        raise CommitteeNotFound(f"No mediation committee {committee_id}")
    return committee


async def list_committees(
    session: AsyncSession,
    *,
    filters: CommitteeFilters,
    page: PageParams,
    org: OrgScope | None,
) -> Page[CommitteeRead]:
    stmt = filtered(
        select(MediationCommittee).options(selectinload(MediationCommittee.members)),
        MediationCommittee,
        filters,
        year_column=MediationCommittee.founded_on,
    )
    stmt = committees_in_org(stmt, org)
    return await paginate(
        session,
        stmt,
        page,
        model=MediationCommittee,
        to_item=committee_read,
    )


async def find_committee(
    session: AsyncSession,
    committee_id: uuid.UUID,
    *,
    org: OrgScope | None,
    members: bool = False,
) -> MediationCommittee | None:
    """The committee within the caller's ``org`` (:func:`committees_in_org`), else None;
    with its ``members`` loaded when asked (one more query: a committee's read shows
    them, a dispute registered with it does not need them)."""
    stmt = select(MediationCommittee).where(MediationCommittee.id == committee_id)
    if members:
        stmt = stmt.options(selectinload(MediationCommittee.members))
    stmt = committees_in_org(stmt, org)
    committee: MediationCommittee | None = await session.scalar(stmt)
    return committee
