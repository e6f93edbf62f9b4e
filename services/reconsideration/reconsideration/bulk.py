"""Bulk loading of synthetic applications: the reconsideration service's own path for
benchmark data at county, province and national scale (issue 8; ``make bench-data``,
docs/performance.md).

Not an API: the rows go straight into ``reconsideration_applications`` with SQLAlchemy
Core, in batches, and never through HTTP. On PostgreSQL each batch is one ``COPY``
(asyncpg's ``copy_records_to_table`` on the session's own connection, inside its
transaction); on SQLite one ``executemany``; one transaction per batch.

What a generated county-year looks like (seeded per county: the same seed, county and year
give the same rows, whatever else is loaded): applications received over the year through
the usual channels (in person, post, online, an oral record, forwarded by the penalising
agency), against the acts a county sees (penalties and complaint handling first), each at
the step of its lifecycle it reached by the end of the year, with the dates of the steps
before it: about 12 % not accepted, about 55 % decided (about one decision in five
corrects the act), about 11 % terminated (withdrawn or settled), a few mediated, the rest
still under review or in progress. Applicants are invented names or organisations, with no
ID number, credit code or phone (no personal data). Case numbers are taken from the
county's counter (``case_number_counters``), so applications received later through the
API go on numbering after them. After the load the records get a new change stamp
(:func:`mark_changed`), so that no running process serves statistics kept from before it.

Not generated: agency points, hearings, committee consultations, lifecycle events, and the
statutory clocks (``application_deadlines``, computed by the service when a command is
applied): a generated application's ``deadlines`` list is empty until a command is
applied to it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from reconsideration.applications.models import (
    ApplicantKind,
    ApplicationStatus,
    DecisionApproval,
    DecisionType,
    MatterType,
    Procedure,
    ReceiptChannel,
    ReconsiderationApplication,
    TerminationGround,
)
from reconsideration.applications.service import CASE_NUMBER_WORD
from reconsideration.db import CaseNumberCounter
from shared.bulk import batches, insert_rows
from shared.case_numbers import case_number, next_number
from shared.types import today

#: Rows per batch: one COPY (PostgreSQL) or one executemany (SQLite), one transaction.
DEFAULT_BATCH_SIZE = 20_000

S = ApplicationStatus
#: Where the applications of a year stand at its end (weights).
STATUS_WEIGHTS: dict[ApplicationStatus, float] = {
    S.received: 1.5,
    S.under_review: 1.5,
    S.not_accepted: 12,
    S.accepted: 3,
    S.in_progress: 13,
    S.decided: 55,
    S.terminated: 11,
    S.mediated: 3,
}
CHANNEL_WEIGHTS: dict[ReceiptChannel, float] = {
    ReceiptChannel.in_person: 40,
    ReceiptChannel.post: 15,
    ReceiptChannel.online: 30,
    ReceiptChannel.oral_record: 5,
    ReceiptChannel.forwarded_by_agency: 10,
}
#: Kinds of act (the 2023 national shares: penalties 32.8 %, complaint handling 30.0 %,
#: information disclosure 8.3 %; research notes §3).
MATTER_WEIGHTS: dict[MatterType, float] = {
    MatterType.penalty: 33,
    MatterType.complaint_handling: 30,
    MatterType.information_disclosure: 8,
    MatterType.compulsory_measure: 6,
    MatterType.licensing: 7,
    MatterType.inaction: 8,
    MatterType.other: 8,
}
DECISION_WEIGHTS: dict[DecisionType, float] = {
    DecisionType.uphold: 58,
    DecisionType.dismiss_claim: 12,
    DecisionType.dismiss_application: 10,
    DecisionType.revoke: 9,
    DecisionType.confirm_illegal: 6,
    DecisionType.vary: 2,
    DecisionType.order_performance: 2,
    DecisionType.confirm_invalid: 1,
}
#: Share of organisations among applicants; of the simplified procedure at acceptance.
ORGANISATION_SHARE = 0.15
SIMPLIFIED_SHARE = 0.2
#: Share of applications recorded with the township they come from.
TOWNSHIP_SHARE = 0.5
TOWNSHIPS_PER_COUNTY = 12
RESPONDENTS = (
    "县公安局",
    "县市场监督管理局",
    "县自然资源和规划局",
    "县人力资源和社会保障局",
    "县住房和城乡建设局",
    "县交通运输局",
    "县生态环境分局",
    "县城市管理执法局",
    "县人民政府",
    "镇人民政府",
)
NOT_ACCEPT_REASON = "不属于行政复议受理范围"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉萍红梅兰建国文斌辉鹏飞宇浩"

#: The application columns written, in COPY order (the others stay NULL).
APPLICATION_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "version",
    "case_number",
    "region_code",
    "township_code",
    "received_on",
    "receipt_channel",
    "forwarding_agency",
    "forwarding_agency_received_on",
    "applicant_name",
    "applicant_kind",
    "respondent",
    "matter_type",
    "procedure",
    "status",
    "status_since",
    "deemed_accepted",
    "accepted_on",
    "not_accepted_on",
    "not_accept_reason",
    "copied_to_respondent_on",
    "respondent_received_copy_on",
    "respondent_replied_on",
    "respondent_evidence_submitted",
    "concluded_on",
    "decision_type",
    "decision_approval",
    "termination_ground",
)

_APPLICATIONS: Table = ReconsiderationApplication.__table__  # type: ignore[assignment]
assert set(APPLICATION_COLUMNS) <= set(_APPLICATIONS.c.keys())
#: Where the service keeps its change stamp, when it has one (shared.snapshots).
_STAMP_MODULE = "reconsideration.statistics.models"


@dataclass(frozen=True)
class County:
    """One county's volume for the year: ``applications`` received in it."""

    region_code: str
    applications: int


@dataclass(frozen=True)
class LoadResult:
    """What :func:`load_applications` wrote."""

    applications: int


class AlreadyLoaded(RuntimeError):
    """The database already holds the rows this seed, county and year generate."""


def _rng(seed: int, region_code: str, year: int) -> random.Random:
    # A string seed is hashed with SHA-512: the same on every run and platform.
    return random.Random(f"reconsideration:{seed}:{region_code}:{year}")


def _ids(seed: int, region_code: str, year: int) -> random.Random:
    """The generator of the county's application ids (apart, so that the first id is
    known before the rows are drawn)."""
    return random.Random(f"reconsideration-ids:{seed}:{region_code}:{year}")


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _stamp(day: dt.date, second: int = 0) -> dt.datetime:
    """A UTC timestamp on ``day`` (from 01:00 UTC, 09:00 Beijing time), ``second`` s later."""
    return dt.datetime(day.year, day.month, day.day, 1, tzinfo=dt.UTC) + dt.timedelta(
        seconds=second
    )


def _applicant(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(_SURNAMES) + "".join(
        rng.choice(_GIVEN) for _ in range(rng.choice((1, 2)))
    )
    if rng.random() < ORGANISATION_SHARE:
        return f"{name}商贸有限公司", str(ApplicantKind.organisation)
    return name, str(ApplicantKind.person)


def _application_rows(
    rng: random.Random,
    ids: random.Random,
    county: County,
    *,
    year: int,
    first_number: int,
    abbreviations: dict[str, str] | None,
) -> Iterator[tuple[Any, ...]]:
    """The county's applications as rows in :data:`APPLICATION_COLUMNS` order, in order of
    receipt (so case numbers follow the dates)."""
    n = county.applications
    last = min(dt.date(year, 12, 31), today())
    span = (last - dt.date(year, 1, 1)).days + 1
    received = sorted(
        dt.date(year, 1, 1) + dt.timedelta(days=d)
        for d in (rng.randrange(span) for _ in range(n))
    )
    statuses = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()), k=n)
    channels = rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()), k=n)
    matters = rng.choices(list(MATTER_WEIGHTS), list(MATTER_WEIGHTS.values()), k=n)
    townships = [
        f"{county.region_code}{101 + i:03d}" for i in range(TOWNSHIPS_PER_COUNTY)
    ]
    prefix = case_number(
        county.region_code, CASE_NUMBER_WORD, year, 0, abbreviations
    ).removesuffix("0号")
    day = dt.timedelta(days=1)

    def after(start: dt.date, low: int, high: int) -> dt.date:
        return min(start + day * rng.randint(low, high), last)

    for i in range(n):
        on = received[i]
        status = statuses[i]
        channel = channels[i]
        name, kind = _applicant(rng)
        forwarded = channel is ReceiptChannel.forwarded_by_agency
        respondent = rng.choice(RESPONDENTS)
        procedure = accepted = not_accepted = reason = None
        copied = copy_received = replied = evidence = None
        concluded = decision = approval = ground = None
        since, version = on, 1
        if status is S.under_review:
            since, version = after(on, 0, 2), 2
        elif status is S.not_accepted:
            not_accepted = since = after(on, 2, 5)
            reason, version = NOT_ACCEPT_REASON, 3
        elif status is not S.received:
            accepted = since = after(on, 1, 5)
            procedure = str(
                Procedure.simplified
                if rng.random() < SIMPLIFIED_SHARE
                else Procedure.ordinary
            )
            version = 3
            if status is not S.accepted:
                copied = after(accepted, 1, 7)
                copy_received = after(copied, 1, 3)
                replied = after(copy_received, 3, 10)
                evidence = True
                since, version = replied, 6
            if status in S.concluded():
                assert replied is not None
                concluded = since = after(replied, 10, 45)
                version += 1
                if status is S.decided:
                    decision = str(
                        rng.choices(
                            list(DECISION_WEIGHTS), list(DECISION_WEIGHTS.values())
                        )[0]
                    )
                    approval = str(DecisionApproval.head_approval)
                elif status is S.terminated:
                    ground = str(
                        TerminationGround.settlement
                        if rng.random() < 0.3
                        else TerminationGround.withdrawal
                    )
        created = _stamp(on, i % 36_000)
        changed = _stamp(since, i % 36_000 + 3600)
        yield (
            _uuid(ids),
            created,
            changed if changed > created else created,
            version,
            f"{prefix}{first_number + i}号",
            county.region_code,
            rng.choice(townships) if rng.random() < TOWNSHIP_SHARE else None,
            on,
            str(channel),
            respondent if forwarded else None,
            on - day * rng.randint(1, 5) if forwarded else None,
            name,
            kind,
            respondent,
            str(matters[i]),
            procedure,
            str(status),
            since,
            False,
            accepted,
            not_accepted,
            reason,
            copied,
            copy_received,
            replied,
            evidence,
            concluded,
            decision,
            approval,
            ground,
        )


async def load_applications(
    session: AsyncSession,
    counties: Sequence[County],
    *,
    year: int,
    seed: int,
    abbreviations: dict[str, str] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> LoadResult:
    """Generate and insert each county's applications received in ``year`` (module
    docstring); commits, one transaction per batch.

    Deterministic: ``seed``, the county and the year fix every row. ``progress`` is told
    the number of applications written so far after each batch. Raises AlreadyLoaded when
    a county's first generated application is already in the database (load a seed once
    per database)."""
    written = 0
    for county in counties:
        if county.applications == 0:
            continue
        first_id = _uuid(_ids(seed, county.region_code, year))
        exists = await session.scalar(
            select(_APPLICATIONS.c.id).where(_APPLICATIONS.c.id == first_id)
        )
        if exists is not None:
            raise AlreadyLoaded(
                f"county {county.region_code}, year {year}, seed {seed} is loaded "
                "already: use another database or seed"
            )
        first = await next_number(
            session,
            CaseNumberCounter,
            series=f"{county.region_code}:application",
            year=year,
            count=county.applications,
        )
        rows = _application_rows(
            _rng(seed, county.region_code, year),
            _ids(seed, county.region_code, year),
            county,
            year=year,
            first_number=first,
            abbreviations=abbreviations,
        )
        for batch in batches(rows, batch_size):
            await insert_rows(session, _APPLICATIONS, APPLICATION_COLUMNS, batch)
            written += len(batch)
            await session.commit()
            if progress is not None:
                progress(written)
    await mark_changed(session)
    await session.commit()
    return LoadResult(applications=written)


async def mark_changed(session: AsyncSession) -> bool:
    """Give the records a new change stamp (``shared.snapshots``), as a write through the
    ORM does, so that no running process keeps statistics computed before the bulk
    load; whether the service has change stamps. Does not commit."""
    try:
        models: Any = importlib.import_module(_STAMP_MODULE)
        snapshots: Any = importlib.import_module("shared.snapshots")
    except ModuleNotFoundError as exc:
        if exc.name not in (_STAMP_MODULE, "shared.snapshots"):
            raise
        return False
    stamps = getattr(models, "ChangeStamp", None)
    if stamps is None:
        return False
    await session.execute(
        update(stamps)
        .where(stamps.id == snapshots.ROW_ID)
        .values(stamp=snapshots.new_stamp())
    )
    return True
