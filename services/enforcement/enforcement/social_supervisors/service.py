"""Social supervisors (行政执法社会监督员).

Organisation scope (docs/auth.md): a social supervisor is appointed by the bureau for
the whole county and carries only ``region_code``. Reads follow that column: every
caller of the county sees its supervisors, an agency's staff included (the supervisors
oversee every agency of the county; their list is public). Appointing one is an act
for the county: an agency-scoped caller may not (403), see :func:`appoint_supervisor`.

Personal data (domain.md §8): the optional phone is stored encrypted
(``phone_encrypted``) with a keyed hash (``phone_hash``) to find it; reads show it
masked unless the caller has ``enforcement:pii`` (:func:`to_read`).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from enforcement.social_supervisors.exceptions import SupervisorNotFound
from enforcement.social_supervisors.models import SocialSupervisor
from enforcement.social_supervisors.schemas import (
    SupervisorCreate,
    SupervisorFilters,
    SupervisorRead,
)
from shared.auth import OrgScope
from shared.pagination import Page, PageParams, paginate
from shared.personal_data import PersonalDataCipher, mask_phone
from shared.query import ensure_may_act_for, filtered, get_or_raise, in_org


async def appoint_supervisor(
    session: AsyncSession,
    *,
    payload: SupervisorCreate,
    org: OrgScope,
    cipher: PersonalDataCipher,
) -> SocialSupervisor:
    """Appoint a supervisor of the caller's county.

    Raises Forbidden (403) for another county and for an agency-scoped caller: the
    supervisor belongs to no agency (``agency_id=None`` is checked against ``org``), and
    an agency's staff act for their agency, not for the county.
    """
    ensure_may_act_for(org, region_code=payload.region_code, agency_id=None)
    phone = payload.phone
    supervisor = SocialSupervisor(
        **payload.model_dump(exclude={"phone"}),
        phone_encrypted=cipher.encrypt(phone) if phone else None,
        phone_hash=cipher.search_hash(phone) if phone else None,
    )
    session.add(supervisor)
    await session.flush()
    return supervisor


async def get_supervisor(
    session: AsyncSession, supervisor_id: uuid.UUID, *, org: OrgScope
) -> SocialSupervisor:
    """The supervisor within the caller's ``org`` (by county). Raises SupervisorNotFound (404)."""
    return await get_or_raise(
        session, SocialSupervisor, supervisor_id, SupervisorNotFound, org=org
    )


async def list_supervisors(
    session: AsyncSession,
    *,
    filters: SupervisorFilters,
    page: PageParams,
    org: OrgScope,
    cipher: PersonalDataCipher,
    full: bool,
) -> Page[SupervisorRead]:
    """The supervisors of the caller's county (``in_org``) matching ``filters``; a
    ``phone`` filter (normalised by the schema) matches the keyed hash."""
    stmt = filtered(
        in_org(select(SocialSupervisor), SocialSupervisor, org),
        SocialSupervisor,
        filters.model_copy(update={"phone": None}),
        year_column=SocialSupervisor.appointed_on,
    )
    if filters.phone is not None:
        stmt = stmt.where(
            SocialSupervisor.phone_hash == cipher.search_hash(filters.phone)
        )
    return await paginate(
        session,
        stmt,
        page,
        model=SocialSupervisor,
        to_item=lambda supervisor: to_read(supervisor, cipher, full=full),
    )


def to_read(
    supervisor: SocialSupervisor, cipher: PersonalDataCipher, *, full: bool
) -> SupervisorRead:
    """The supervisor as answered: the phone in full when ``full``, else masked."""
    read = SupervisorRead.model_validate(supervisor)
    if supervisor.phone_encrypted is not None:
        phone = cipher.decrypt(supervisor.phone_encrypted)
        read.phone = phone if full else mask_phone(phone)
    return read
