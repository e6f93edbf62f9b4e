"""Bulk loading of synthetic disputes: the mediation service's own path for benchmark data
at county, province and national scale (issue 8; ``make bench-data``, docs/performance.md).

Not an API: the rows go straight into the tables with SQLAlchemy Core, in batches, and
never through HTTP. On PostgreSQL each batch is one ``COPY`` (asyncpg's
``copy_records_to_table`` on the session's own connection, inside its transaction); on
SQLite one ``executemany`` per batch, one transaction per batch.

What a generated county-year looks like (seeded per county: the same seed, county and year
give the same rows, whatever else is loaded):

- committees: a township committee in every township (10–20 townships, codes
  ``<county>101…``), three village committees per township, and a consumer-dispute and a
  chamber-of-commerce committee for the county; a few are founded in the year;
- disputes registered over the year (more in the months around the Spring Festival),
  spread over the townships with uneven weights, of the types, sources and lifecycle a
  rural county reports: about 97 % resolved with a written or oral agreement (so the
  judicial-confirmation window is set as the service sets it), about 2 % failed, the rest
  still open; about 3 % mediated by remote video, each with the cost it saved (2,000 to
  8,000 yuan); a few flagged with an escalation risk. Case numbers are taken from the
  county's counter (``case_number_counters``), so disputes registered later through the
  API go on numbering after them;
- no parties, no mediators and no lifecycle events: generated disputes carry no personal
  data, and their history is the columns' dates only (``GET /disputes/{id}/events``
  answers an empty list for them).

After the disputes, :func:`load_disputes` recomputes the statistics rollups from the case
tables (``mediation.statistics.rollups.rebuild``) when the service has them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import importlib
import random
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.committees.models import CommitteeKind, MediationCommittee
from mediation.db import CaseNumberCounter
from mediation.disputes.models import (
    AgreementForm,
    Dispute,
    DisputeSource,
    DisputeStatus,
    DisputeType,
    MediationMode,
)
from mediation.disputes.service import (
    CASE_NUMBER_WORD,
    judicial_confirmation_window_ends_on,
)
from shared.bulk import batches, insert_rows
from shared.case_numbers import case_number, next_number
from shared.types import today

#: Rows per batch: one COPY (PostgreSQL) or one executemany and commit (SQLite).
DEFAULT_BATCH_SIZE = 20_000

#: Shares of dispute types in a county (weights, as in the 通城县 sample).
DISPUTE_TYPE_WEIGHTS: dict[DisputeType, float] = {
    DisputeType.marriage_family: 18,
    DisputeType.neighbour: 22,
    DisputeType.housing_homestead: 9,
    DisputeType.contract: 8,
    DisputeType.production_business: 4,
    DisputeType.damages: 8,
    DisputeType.land_forest: 10,
    DisputeType.land_acquisition_demolition: 3,
    DisputeType.environment: 2,
    DisputeType.labour: 6,
    DisputeType.consumer: 3,
    DisputeType.medical: 1,
    DisputeType.traffic_accident: 4,
    DisputeType.property_management: 1,
    DisputeType.other: 1,
}
SOURCE_WEIGHTS: dict[DisputeSource, float] = {
    DisputeSource.application: 55,
    DisputeSource.own_initiative: 20,
    DisputeSource.referral: 10,
    DisputeSource.screening: 15,
}
#: Shares of the statuses at the end of the year: about 97 % resolved.
STATUS_WEIGHTS: dict[DisputeStatus, float] = {
    DisputeStatus.resolved: 97.0,
    DisputeStatus.failed: 1.8,
    DisputeStatus.mediating: 0.9,
    DisputeStatus.registered: 0.3,
}
#: Registrations by month (January to December): more around the Spring Festival.
MONTH_WEIGHTS = (11, 12, 9, 8, 8, 7, 7, 7, 8, 8, 8, 9)
#: Share of disputes mediated by remote video, and the cost each saved (yuan).
REMOTE_SHARE = 0.03
COST_SAVED_YUAN = (2_000, 8_000)
#: Amount involved (yuan, whole tens).
AMOUNT_INVOLVED_YUAN = (0, 200_000)
#: Share of written agreements among resolved disputes (the rest oral).
WRITTEN_SHARE = 0.8
#: Share of resolved disputes whose agreement names a performance due date.
PERFORMANCE_DUE_SHARE = 0.7
#: Share of disputes flagged with an escalation risk.
ESCALATION_SHARE = 0.002
#: Share of consumer disputes taken by the county's consumer-dispute committee.
CONSUMER_COMMITTEE_SHARE = 0.5
VILLAGES_PER_TOWNSHIP = 3
TOWNSHIPS_PER_COUNTY = (10, 20)

SUMMARIES: dict[DisputeType, str] = {
    DisputeType.marriage_family: "赡养费分担纠纷",
    DisputeType.neighbour: "相邻通行与排水纠纷",
    DisputeType.housing_homestead: "宅基地界址纠纷",
    DisputeType.contract: "买卖合同货款纠纷",
    DisputeType.production_business: "合伙经营收益分配纠纷",
    DisputeType.damages: "人身损害赔偿纠纷",
    DisputeType.land_forest: "山林权属纠纷",
    DisputeType.land_acquisition_demolition: "征地补偿分配纠纷",
    DisputeType.environment: "养殖污染纠纷",
    DisputeType.labour: "务工工资拖欠纠纷",
    DisputeType.consumer: "消费退换货纠纷",
    DisputeType.medical: "医疗费用纠纷",
    DisputeType.traffic_accident: "交通事故赔偿纠纷",
    DisputeType.property_management: "物业服务费纠纷",
    DisputeType.other: "其他民间纠纷",
}
AGREEMENT_TERMS = "双方自愿达成协议，按约履行"
FAILURE_REASON = "双方分歧较大，调解未成"
ESCALATION_REASON = "双方情绪激烈，有激化风险"
_PLACE_WORDS = "东西南北中上下新大小高长安平和兴隆丰太宝龙凤金石马鹿桥河湖山塘港坪沙"

#: The committee columns written, in COPY order.
COMMITTEE_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "version",
    "region_code",
    "township_code",
    "name",
    "kind",
    "founded_on",
)
#: The dispute columns written, in COPY order (the others keep their defaults: NULL, or
#: false for the two risk flags).
DISPUTE_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "version",
    "case_number",
    "region_code",
    "township_code",
    "committee_id",
    "dispute_type",
    "source",
    "mode",
    "summary",
    "amount_involved",
    "cost_saved",
    "registered_on",
    "time_limit_due_on",
    "status",
    "mediation_started_on",
    "concluded_on",
    "failure_reason",
    "agreement_form",
    "agreement_terms",
    "performance_due_on",
    "agreement_effective_on",
    "judicial_confirmation_window_ends_on",
    "escalation_risk_flagged_on",
    "risk_of_crime",
    "risk_of_group_petition",
    "escalation_risk_reason",
)
#: Money columns, generated as integer fen (their stored form).
_MONEY_COLUMNS = frozenset({"amount_involved", "cost_saved"})

_COMMITTEES: Table = MediationCommittee.__table__  # type: ignore[assignment]
_DISPUTES: Table = Dispute.__table__  # type: ignore[assignment]
assert set(COMMITTEE_COLUMNS) <= set(_COMMITTEES.c.keys())
assert set(DISPUTE_COLUMNS) <= set(_DISPUTES.c.keys())

_ROLLUPS_MODULE = "mediation.statistics.rollups"


@dataclass(frozen=True)
class County:
    """One county's volume for the year: ``disputes`` registered in it."""

    region_code: str
    disputes: int


@dataclass(frozen=True)
class LoadResult:
    """What :func:`load_disputes` wrote, and how long the rollups' rebuild took
    (``rollups_seconds``, wall-clock seconds; None when the service has no statistics
    rollups to rebuild)."""

    committees: int
    disputes: int
    rollups_seconds: float | None


class AlreadyLoaded(RuntimeError):
    """The database already holds the rows this seed, county and year generate."""


@dataclass(frozen=True)
class _Committee:
    id: uuid.UUID
    township_code: str | None
    kind: CommitteeKind
    founded_on: dt.date


def _rng(seed: int, region_code: str, year: int) -> random.Random:
    # A string seed is hashed with SHA-512: the same on every run and platform.
    return random.Random(f"mediation:{seed}:{region_code}:{year}")


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _stamp(day: dt.date, second: int = 0) -> dt.datetime:
    """A UTC timestamp on ``day`` (from 01:00 UTC, 09:00 Beijing time), ``second`` s later."""
    return dt.datetime(day.year, day.month, day.day, 1, tzinfo=dt.UTC) + dt.timedelta(
        seconds=second
    )


def _place(rng: random.Random) -> str:
    return rng.choice(_PLACE_WORDS) + rng.choice(_PLACE_WORDS)


def township_codes(region_code: str, count: int) -> list[str]:
    """The nine-digit codes of a generated county's townships: ``<county>101`` onwards."""
    return [f"{region_code}{101 + i:03d}" for i in range(count)]


def _committees(
    rng: random.Random, region_code: str, year: int
) -> tuple[list[_Committee], list[tuple[Any, ...]], list[str], list[float]]:
    """The county's committees (as the generator uses them and as rows), its townships and
    their weights."""
    townships = township_codes(region_code, rng.randint(*TOWNSHIPS_PER_COUNTY))
    weights = [rng.lognormvariate(0, 0.6) for _ in townships]
    committees: list[_Committee] = []
    rows: list[tuple[Any, ...]] = []

    def add(
        township: str | None, name: str, kind: CommitteeKind, founded: dt.date
    ) -> None:
        committee = _Committee(_uuid(rng), township, kind, founded)
        committees.append(committee)
        stamp = _stamp(founded)
        rows.append(
            (
                committee.id,
                stamp,
                stamp,
                1,
                region_code,
                township,
                name,
                str(kind),
                founded,
            )
        )

    for township in townships:
        town = _place(rng) + rng.choice("镇乡")
        add(
            township,
            f"{town}人民调解委员会",
            CommitteeKind.township,
            dt.date(
                rng.randint(min(2008, year - 1), min(2015, year - 1)),
                rng.randint(1, 12),
                1,
            ),
        )
        for _ in range(VILLAGES_PER_TOWNSHIP):
            add(
                township,
                f"{town}{_place(rng)}村人民调解委员会",
                CommitteeKind.village,
                dt.date(
                    rng.randint(min(2011, year - 1), year - 1), rng.randint(1, 12), 1
                ),
            )
    for kind, name in (
        (CommitteeKind.consumer_dispute, "消费争议纠纷人民调解委员会"),
        (CommitteeKind.chamber_of_commerce, "总商会人民调解委员会"),
    ):
        # About one county in five founds them in the year of the data.
        founded_year = (
            year if rng.random() < 0.2 else rng.randint(min(2016, year - 1), year - 1)
        )
        add(
            None,
            f"{region_code}{name}",
            kind,
            dt.date(founded_year, rng.randint(1, 12), rng.randint(1, 28)),
        )
    return committees, rows, townships, weights


def _days_of(year: int, last: dt.date) -> tuple[list[dt.date], list[float]]:
    """The days of ``year`` up to ``last``, each weighted by its month's share."""
    days: list[dt.date] = []
    weights: list[float] = []
    for month in range(1, 13):
        length = calendar.monthrange(year, month)[1]
        for d in range(1, length + 1):
            day = dt.date(year, month, d)
            if day <= last:
                days.append(day)
                weights.append(MONTH_WEIGHTS[month - 1] / length)
    return days, weights


@lru_cache(maxsize=1024)
def _window_ends_on(effective_on: dt.date) -> dt.date:
    return judicial_confirmation_window_ends_on(effective_on)


def _dispute_rows(
    rng: random.Random,
    county: County,
    *,
    year: int,
    first_number: int,
    committees: Sequence[_Committee],
    townships: Sequence[str],
    township_weights: Sequence[float],
    time_limit_days: int,
    abbreviations: dict[str, str] | None,
) -> Iterator[tuple[Any, ...]]:
    """The county's disputes as rows in :data:`DISPUTE_COLUMNS` order, in registration
    order (so case numbers follow the dates)."""
    n = county.disputes
    year_end = dt.date(year, 12, 31)
    last = min(year_end, today())
    days, day_weights = _days_of(year, last)
    registered = sorted(rng.choices(days, day_weights, k=n))
    types = rng.choices(
        list(DISPUTE_TYPE_WEIGHTS), list(DISPUTE_TYPE_WEIGHTS.values()), k=n
    )
    sources = rng.choices(list(SOURCE_WEIGHTS), list(SOURCE_WEIGHTS.values()), k=n)
    statuses = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()), k=n)
    in_township = rng.choices(townships, township_weights, k=n)
    by_township: dict[str, list[_Committee]] = {}
    for c in committees:
        if c.township_code is not None:
            by_township.setdefault(c.township_code, []).append(c)
    consumer_committee = next(
        c for c in committees if c.kind is CommitteeKind.consumer_dispute
    )
    word_year = (county.region_code, CASE_NUMBER_WORD, year)
    prefix = case_number(*word_year, 0, abbreviations).removesuffix("0号")
    resolved, failed = DisputeStatus.resolved, DisputeStatus.failed
    registered_status = DisputeStatus.registered
    remote_video, on_site = str(MediationMode.remote_video), str(MediationMode.on_site)
    written, oral = str(AgreementForm.written), str(AgreementForm.oral)
    one_day = dt.timedelta(days=1)
    limit = dt.timedelta(days=time_limit_days)
    second_of_day = 0
    previous_day: dt.date | None = None
    for i in range(n):
        day = registered[i]
        second_of_day = second_of_day + 7 if day == previous_day else 0
        previous_day = day
        township = in_township[i]
        dispute_type = types[i]
        if (
            dispute_type is DisputeType.consumer
            and rng.random() < CONSUMER_COMMITTEE_SHARE
            and day >= consumer_committee.founded_on
        ):
            committee = consumer_committee
        else:
            local = by_township[township]
            # The township committee takes 40 %, its villages' committees the rest.
            committee = local[0] if rng.random() < 0.4 else rng.choice(local[1:])
        remote = rng.random() < REMOTE_SHARE
        status = statuses[i]
        started = concluded = form = terms = due = effective = window = None
        failure = None
        version = 1
        if status is not registered_status:
            started = min(day + one_day * rng.randrange(0, 3), last)
            version = 2
        if status is resolved or status is failed:
            assert started is not None
            concluded = min(started + one_day * rng.randrange(1, 21), last)
            version = 3
            if status is resolved:
                form = written if rng.random() < WRITTEN_SHARE else oral
                terms = AGREEMENT_TERMS
                if rng.random() < PERFORMANCE_DUE_SHARE:
                    due = concluded + dt.timedelta(days=30)
                effective = concluded
                window = _window_ends_on(concluded)
            else:
                failure = FAILURE_REASON
        flagged = rng.random() < ESCALATION_SHARE
        created = _stamp(day, second_of_day)
        changed = _stamp(concluded or started or day, second_of_day + 3600 * 7)
        yield (
            _uuid(rng),
            created,
            changed if changed > created else created,
            version + flagged,
            f"{prefix}{first_number + i}号",
            county.region_code,
            committee.township_code or township,
            committee.id,
            str(dispute_type),
            str(sources[i]),
            remote_video if remote else on_site,
            SUMMARIES[dispute_type],
            rng.randrange(*AMOUNT_INVOLVED_YUAN, 10) * 100,
            rng.randrange(COST_SAVED_YUAN[0], COST_SAVED_YUAN[1] + 1, 10) * 100
            if remote
            else None,
            day,
            day + limit,
            str(status),
            started,
            concluded,
            failure,
            form,
            terms,
            due,
            effective,
            window,
            day if flagged else None,
            flagged,
            False,
            ESCALATION_REASON if flagged else None,
        )


async def rebuild_rollups(session: AsyncSession) -> bool:
    """Recompute the statistics rollups from the case tables, when the service has them
    (``mediation.statistics.rollups``); whether it did. Does not commit."""
    try:
        rollups: Any = importlib.import_module(_ROLLUPS_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != _ROLLUPS_MODULE:
            raise
        return False
    await rollups.rebuild(session)
    return True


async def load_disputes(
    session: AsyncSession,
    counties: Sequence[County],
    *,
    year: int,
    seed: int,
    time_limit_days: int = 30,
    abbreviations: dict[str, str] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> LoadResult:
    """Generate and insert each county's committees and its disputes registered in
    ``year`` (module docstring), then rebuild the statistics rollups; commits.

    Deterministic: ``seed``, the county and the year fix every row. ``progress`` is told
    the number of disputes written so far after each batch. ``time_limit_days``: calendar
    days from registration to the time limit, as the service's setting. Raises
    AlreadyLoaded when a county's first generated committee is already in the database
    (load a seed once per database)."""
    committees_written = disputes_written = 0
    for county in counties:
        rng = _rng(seed, county.region_code, year)
        committees, committee_rows, townships, weights = _committees(
            rng, county.region_code, year
        )
        exists = await session.scalar(
            select(_COMMITTEES.c.id).where(_COMMITTEES.c.id == committees[0].id)
        )
        if exists is not None:
            raise AlreadyLoaded(
                f"county {county.region_code}, year {year}, seed {seed} is loaded "
                "already: use another database or seed"
            )
        first = (
            await next_number(
                session,
                CaseNumberCounter,
                series=f"{county.region_code}:dispute",
                year=year,
                count=county.disputes,
            )
            if county.disputes
            else 1
        )
        await insert_rows(session, _COMMITTEES, COMMITTEE_COLUMNS, committee_rows)
        committees_written += len(committee_rows)
        rows = _dispute_rows(
            rng,
            county,
            year=year,
            first_number=first,
            committees=committees,
            townships=townships,
            township_weights=weights,
            time_limit_days=time_limit_days,
            abbreviations=abbreviations,
        )
        for batch in batches(rows, batch_size):
            await insert_rows(
                session,
                _DISPUTES,
                DISPUTE_COLUMNS,
                batch,
                money_columns=_MONEY_COLUMNS,
            )
            disputes_written += len(batch)
            # One transaction per batch (the county's numbers and committees go with
            # its first one).
            await session.commit()
            if progress is not None:
                progress(disputes_written)
        await session.commit()
    started = time.monotonic()
    rebuilt = await rebuild_rollups(session)
    await session.commit()
    return LoadResult(
        committees=committees_written,
        disputes=disputes_written,
        rollups_seconds=time.monotonic() - started if rebuilt else None,
    )
