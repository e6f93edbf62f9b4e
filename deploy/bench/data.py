"""``make bench-data``: synthetic cases at county, province or national scale, loaded
through the bulk paths the services own (``mediation.bulk``, ``reconsideration.bulk``),
never through HTTP (issue 8; docs/performance.md).

Scales (one calendar year, ``--year``, default 2023):

- ``county``: 通城县 (421222): 4,600 disputes, 80 applications;
- ``province``: 100 counties of one province (42xxxx, 通城县 among them): 1,000,000
  disputes, 100,000 applications;
- ``national``: 3,007 counties over the 31 provinces: 10,000,000 disputes, 750,000
  applications; PostgreSQL only.

The counties' volumes are uneven (log-normal weights); every row is deterministic for a
``--seed``. Each database is created (PostgreSQL) and migrated to head first, as the
stack does (alembic), then loaded; on PostgreSQL the loaded tables are ANALYZEd. A
database gets a given seed once (a second load answers an error).

``--database-url`` names both services' databases: ``{service}`` in it is replaced by
``mediation`` or ``reconsideration``; a URL without it gets ``_<service>`` appended to its
database name (PostgreSQL) or ``-<service>`` to its file name (SQLite). Default: SQLite
files in ``var/bench/<scale>/``.

    python deploy/bench/data.py --scale county|province|national
        [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/fazhi_bench]
        [--services mediation,reconsideration] [--seed 42] [--year 2023]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

from mediation import bulk as mediation_bulk
from mediation.config import Settings as MediationSettings
from reconsideration import bulk as reconsideration_bulk
from reconsideration.config import Settings as ReconsiderationSettings
from shared.db import create_engine, create_sessionmaker

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("mediation", "reconsideration")
DEFAULT_SEED = 42
DEFAULT_YEAR = 2023
#: The county of the county scale (and one of the province scale's).
COUNTY = "421222"
#: The 31 provinces (GB/T 2260 two-digit codes).
PROVINCES = (
    *("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35"),
    *("36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54"),
    *("61", "62", "63", "64", "65"),
)
PROVINCE = "42"
COUNTIES_PER_PROVINCE = 100
NATIONAL_COUNTIES_PER_PROVINCE = 97


@dataclass(frozen=True)
class Scale:
    """A scale: its counties, and the disputes and applications of the year over them."""

    name: str
    counties: tuple[str, ...]
    disputes: int
    applications: int
    postgres_only: bool = False


def _county_codes(province: str, count: int) -> tuple[str, ...]:
    """``count`` plausible county codes of ``province``: ``PP`` + city ``03``–``12`` +
    county ``21``–``30`` (421222, 通城县, is one of Hubei's)."""
    codes = [
        f"{province}{city:02d}{county:02d}"
        for city in range(3, 13)
        for county in range(21, 31)
    ]
    return tuple(codes[:count])


SCALES: dict[str, Scale] = {
    "county": Scale("county", (COUNTY,), disputes=4_600, applications=80),
    "province": Scale(
        "province",
        _county_codes(PROVINCE, COUNTIES_PER_PROVINCE),
        disputes=1_000_000,
        applications=100_000,
    ),
    "national": Scale(
        "national",
        tuple(
            code
            for p in PROVINCES
            for code in _county_codes(p, NATIONAL_COUNTIES_PER_PROVINCE)
        ),
        disputes=10_000_000,
        applications=750_000,
        postgres_only=True,
    ),
}


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders; sums exactly)."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(
        range(len(weights)), key=lambda i: shares[i] - counts[i], reverse=True
    )
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


@dataclass(frozen=True)
class Plan:
    """How many disputes and applications each county gets."""

    scale: Scale
    disputes: dict[str, int]
    applications: dict[str, int]

    @property
    def largest_county(self) -> str:
        """The county with the most disputes."""
        return max(self.disputes, key=lambda c: (self.disputes[c], c))

    @property
    def top_scope(self) -> str:
        """The region the whole scale makes: the county, the province or the country."""
        if self.scale.name == "county":
            return self.scale.counties[0]
        if self.scale.name == "province":
            return f"{PROVINCE}0000"
        return "000000"


def plan(scale: Scale, *, seed: int) -> Plan:
    """Each county's share of the scale's volume: log-normal weights (σ 0.5), seeded."""
    rng = random.Random(f"counties:{seed}:{scale.name}")
    weights = [rng.lognormvariate(0, 0.5) for _ in scale.counties]
    return Plan(
        scale,
        dict(zip(scale.counties, apportion(scale.disputes, weights), strict=True)),
        dict(zip(scale.counties, apportion(scale.applications, weights), strict=True)),
    )


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def service_url(template: str, service: str) -> str:
    """The service's database URL from ``--database-url`` (module docstring)."""
    if "{service}" in template:
        return template.replace("{service}", service)
    url = make_url(template)
    if is_postgres(template):
        return url.set(database=f"{url.database}_{service}").render_as_string(
            hide_password=False
        )
    path = Path(url.database or "bench.sqlite3")
    named = path.with_name(f"{path.stem}-{service}{path.suffix or '.sqlite3'}")
    return url.set(database=str(named)).render_as_string(hide_password=False)


def _asyncpg_dsn(url: str, *, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def _sqlite_file(url: str, *, make: bool = False, remove: bool = False) -> None:
    """Make the directory of a SQLite database file, or remove the file (and its WAL)."""
    database = make_url(url).database
    if not database:
        return
    if make:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    if remove:
        for suffix in ("", "-wal", "-shm"):
            Path(database + suffix).unlink(missing_ok=True)


async def create_database(url: str, *, replace: bool = False) -> None:
    """Create the PostgreSQL database of ``url`` unless it exists (``replace``: drop it
    first); SQLite: make the file's directory."""
    if not is_postgres(url):
        _sqlite_file(url, make=True, remove=replace)
        return
    name = make_url(url).database
    connection = await asyncpg.connect(_asyncpg_dsn(url, database="postgres"))
    try:
        if replace:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = await connection.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", name
        )
        if not exists:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def drop_database(url: str) -> None:
    """Drop the PostgreSQL database of ``url`` (connections to it are ended); SQLite:
    remove the file."""
    if not is_postgres(url):
        _sqlite_file(url, remove=True)
        return
    connection = await asyncpg.connect(_asyncpg_dsn(url, database="postgres"))
    try:
        await connection.execute(
            f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'
        )
    finally:
        await connection.close()


def migrate(service: str, url: str) -> None:
    """``alembic upgrade head`` of ``service`` on ``url``, as the stack migrates."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env[f"{service.upper()}_DATABASE_URL"] = url
    subprocess.run(
        [
            sys.executable,
            "-m",
            "alembic",
            "-c",
            str(ROOT / "services" / service / "alembic.ini"),
            "upgrade",
            "head",
        ],
        env=env,
        cwd=ROOT / "services" / service,
        check=True,
        stdout=subprocess.DEVNULL,
    )


@dataclass
class Loaded:
    """What a load wrote and how long each part took (wall-clock seconds)."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


async def _analyze(url: str, tables: Sequence[str]) -> None:
    if not is_postgres(url):
        return
    connection = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        for table in tables:
            await connection.execute(f"ANALYZE {table}")
    finally:
        await connection.close()


async def load(
    the_plan: Plan,
    urls: dict[str, str],
    *,
    seed: int,
    year: int,
    progress: Callable[[str], None] | None = None,
) -> Loaded:
    """Load the plan into the migrated databases ``urls`` (service → URL) through each
    service's bulk path; ANALYZE the loaded tables on PostgreSQL."""
    say = progress or (lambda _: None)
    loaded = Loaded()
    if "mediation" in urls:
        settings = MediationSettings()
        url = urls["mediation"]
        engine = create_engine(url)
        started = time.monotonic()
        try:
            async with create_sessionmaker(engine)() as session:
                result = await mediation_bulk.load_disputes(
                    session,
                    [
                        mediation_bulk.County(code, n)
                        for code, n in the_plan.disputes.items()
                    ],
                    year=year,
                    seed=seed,
                    time_limit_days=settings.dispute_time_limit_days,
                    abbreviations=settings.case_number_abbreviations,
                    progress=_every(the_plan.scale.disputes, "disputes", say, started),
                )
        finally:
            await engine.dispose()
        loaded.seconds["mediation"] = time.monotonic() - started
        loaded.counts |= {
            "committees": result.committees,
            "disputes": result.disputes,
        }
        if result.rollups_seconds is None:
            say("  mediation: no statistics rollups in this version: none rebuilt")
        else:
            loaded.seconds["mediation.rollups"] = result.rollups_seconds
        started = time.monotonic()
        await _analyze(url, ("mediation_committees", "disputes", "statistics_rollups"))
        loaded.seconds["mediation.analyze"] = time.monotonic() - started
    if "reconsideration" in urls:
        url = urls["reconsideration"]
        engine = create_engine(url)
        started = time.monotonic()
        try:
            async with create_sessionmaker(engine)() as session:
                applications = await reconsideration_bulk.load_applications(
                    session,
                    [
                        reconsideration_bulk.County(code, n)
                        for code, n in the_plan.applications.items()
                    ],
                    year=year,
                    seed=seed,
                    abbreviations=ReconsiderationSettings().case_number_abbreviations,
                    progress=_every(
                        the_plan.scale.applications, "applications", say, started
                    ),
                )
        finally:
            await engine.dispose()
        loaded.seconds["reconsideration"] = time.monotonic() - started
        loaded.counts["applications"] = applications.applications
        started = time.monotonic()
        await _analyze(url, ("reconsideration_applications",))
        loaded.seconds["reconsideration.analyze"] = time.monotonic() - started
    return loaded


def _every(
    total: int, what: str, say: Callable[[str], None], started: float
) -> Callable[[int], None]:
    """A progress callback that speaks at every tenth of ``total``."""
    step = max(total // 10, 1)
    next_at = step

    def tell(done: int) -> None:
        nonlocal next_at
        if done >= next_at or done == total:
            say(f"  {what}: {done:,} of {total:,} ({time.monotonic() - started:.0f} s)")
            while next_at <= done:
                next_at += step

    return tell


async def prepare_and_load(
    scale: Scale,
    urls: dict[str, str],
    *,
    seed: int,
    year: int,
    replace: bool = False,
    progress: Callable[[str], None] | None = None,
) -> tuple[Plan, Loaded]:
    """Create and migrate each database (timed as ``<service>.migrate``), then load."""
    the_plan = plan(scale, seed=seed)
    migrate_seconds = {}
    for service, url in urls.items():
        started = time.monotonic()
        await create_database(url, replace=replace)
        await asyncio.to_thread(migrate, service, url)
        migrate_seconds[f"{service}.migrate"] = time.monotonic() - started
    loaded = await load(the_plan, urls, seed=seed, year=year, progress=progress)
    loaded.seconds |= migrate_seconds
    return the_plan, loaded


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="county")
    parser.add_argument(
        "--database-url",
        help="both services' databases: {service} in it is replaced by the service's "
        "name; without it, _<service> is appended to a PostgreSQL database's name "
        "(fazhi_bench: fazhi_bench_mediation, fazhi_bench_reconsideration) or "
        "-<service> to a SQLite file's; default SQLite files in var/bench/<scale>/",
    )
    parser.add_argument(
        "--services",
        default=",".join(SERVICES),
        help="which services to load (comma-separated; default both)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--year", type=int, default=DEFAULT_YEAR)
    parser.add_argument(
        "--replace",
        action="store_true",
        help="drop (PostgreSQL) or delete (SQLite) the databases first",
    )
    args = parser.parse_args(argv)
    scale = SCALES[args.scale]
    services = [s.strip() for s in args.services.split(",") if s.strip()]
    unknown = set(services) - set(SERVICES)
    if unknown:
        parser.error(f"unknown services: {', '.join(sorted(unknown))}")
    template = (
        args.database_url
        or f"sqlite+aiosqlite:///{ROOT / 'var' / 'bench' / scale.name / '{service}.sqlite3'}"
    )
    urls = {s: service_url(template, s) for s in services}
    if scale.postgres_only and not all(is_postgres(u) for u in urls.values()):
        parser.error(f"the {scale.name} scale is PostgreSQL only: --database-url")
    for service, url in urls.items():
        print(f"{service}: {make_url(url).render_as_string()}", flush=True)
    started = time.monotonic()
    try:
        the_plan, loaded = asyncio.run(
            prepare_and_load(
                scale,
                urls,
                seed=args.seed,
                year=args.year,
                replace=args.replace,
                progress=lambda line: print(line, flush=True),
            )
        )
    except (mediation_bulk.AlreadyLoaded, reconsideration_bulk.AlreadyLoaded) as exc:
        print(f"{exc} (or --replace)", file=sys.stderr)
        return 1
    print(
        f"{scale.name} scale, {args.year}, seed {args.seed}: "
        + ", ".join(f"{v:,} {k}" for k, v in loaded.counts.items())
        + f" in {time.monotonic() - started:.1f} s ("
        + ", ".join(f"{k} {v:.1f} s" for k, v in loaded.seconds.items())
        + f"); largest county {the_plan.largest_county} "
        f"({the_plan.disputes[the_plan.largest_county]:,} disputes)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
