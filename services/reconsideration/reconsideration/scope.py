"""Organisation scope of the reconsideration records (docs/auth.md "Organisation scope").

Reconsideration callers are restricted by ``region_code`` (the county) and possibly
``township_code`` (a township agency point's clerk):

- applications and agency points carry ``region_code`` and ``township_code`` (an
  application the county office received directly may have no township);
- litigation cases, opinion letters and collective discussions are county-level records:
  they carry ``region_code`` only, so their township is, in effect, always NULL.

The rule: every restricting member of the caller's ``org`` is an equality on the record's
column of that name, and a record without such a column holds NULL there. Equality on a
NULL column never matches, so **a township-scoped caller sees no litigation case, opinion
letter or collective discussion** (nor an application without a township), reads each of
them as 404 and may not create one (403). :func:`shared.query.in_org` alone skips a column
the model lacks, which would show a township clerk the whole county's county-level
records; :func:`in_scope` and :func:`get_in_scope` add that rule explicitly. The same
holds for a committee- or agency-scoped caller (mediation, enforcement): no
reconsideration record belongs to a committee or an agency, so such a caller sees none.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import Select, false
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.base import ExecutableOption

from shared.auth import OrgScope
from shared.errors import ProblemError
from shared.query import ORG_COLUMNS, get_or_raise, in_org

M = TypeVar("M")


def reaches(model: Any, org: OrgScope | None) -> bool:
    """Whether a caller of ``org`` may see any record of ``model`` at all: not when ``org``
    restricts by a member (township, committee, agency) the model has no column for, since
    that column is NULL for every record and equality on NULL never matches."""
    if org is None:
        return True
    return all(
        getattr(org, name) is None or hasattr(model, name) for name in ORG_COLUMNS
    )


def in_scope(stmt: Select[Any], model: Any, org: OrgScope | None) -> Select[Any]:
    """``in_org`` plus the NULL-column rule of this module: ``stmt`` restricted to the
    records of ``org``, and to none when ``org`` restricts by a member ``model`` lacks."""
    stmt = in_org(stmt, model, org)
    if not reaches(model, org):
        stmt = stmt.where(false())
    return stmt


async def get_in_scope(
    session: AsyncSession,
    model: type[M],
    id_: uuid.UUID,
    error: type[ProblemError],
    *,
    org: OrgScope | None,
    options: Iterable[ExecutableOption] = (),
) -> M:
    """``get_or_raise`` within the caller's ``org``, with the NULL-column rule: a record
    outside it, including every record of a model the caller cannot reach, raises ``error``
    (404) exactly as a missing one does."""
    if not reaches(model, org):
        raise error(f"No {error.title.lower().removesuffix(' not found')} {id_}")
    return await get_or_raise(session, model, id_, error, options=options, org=org)


def record_org(region_code: str, township_code: str | None = None) -> dict[str, Any]:
    """A new record's organisation columns for ``ensure_may_act_for``: every member of
    ``ORG_COLUMNS``, None where the record has none (so a caller restricted by it is refused)."""
    return {
        "region_code": region_code,
        "township_code": township_code,
        "committee_id": None,
        "agency_id": None,
    }
