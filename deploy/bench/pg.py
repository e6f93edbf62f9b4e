"""The PostgreSQL goals of ``make bench`` (docs/performance.md): G4, writes, and G5/G6,
statistics at province and national scale. Used by ``deploy/bench/run.py``.

- G4: the mediation service on a scratch PostgreSQL database (created, migrated with
  alembic as the stack migrates, the county scale loaded through ``mediation.bulk``, then
  dropped), its ``POST /api/v1/disputes`` (validation, one party's personal data
  encrypted, audit, Idempotency-Key, case number, rollups) against a raw asyncpg
  ``INSERT`` of the same dispute row (``deploy/bench/reference_insert.py``), both under
  the same uvicorn command, both loaded by wrk with ``create.lua`` (a fresh
  Idempotency-Key per request).
- G5/G6: after a load through the services' bulk paths (``deploy/bench/data.py``), the
  mediation service's ``compute_statistics`` timed in-process (warm median) for the
  largest county and for the whole scale (the province ``420000``, or the country
  ``000000``), beside the reference of the same run: the equivalent aggregate over the
  ``disputes`` table as a sequential scan (``GROUP BY status, dispute_type`` over the
  scope's disputes of the year, index scans off).

PostgreSQL is the server of ``--postgres-url`` (default ``127.0.0.1:5432``, user
``postgres``, trust authentication); every database made here is named ``fazhi_bench_*``
and dropped at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import httpx
from sqlalchemy.engine import make_url

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "deploy" / "local"))

import data  # noqa: E402
from stack import Stack, free_port  # noqa: E402

from gateway.sample.mediation import sample_id_number  # noqa: E402
from mediation.statistics import service  # noqa: E402
from shared.db import create_engine, create_sessionmaker, read_only  # noqa: E402

DEFAULT_POSTGRES_URL = os.environ.get(
    "FAZHI_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
#: The scratch database of G4.
WRITES_DATABASE = "fazhi_bench_mediation"
#: Targets of G5 and G6 (milliseconds).
G5_TARGET_MS = 25.0
G6_TARGET_MS = 5.0


def database_url(server_url: str, name: str) -> str:
    """The URL of database ``name`` on the server of ``server_url``."""
    return (
        make_url(server_url)
        .set(drivername="postgresql+asyncpg", database=name)
        .render_as_string(hide_password=False)
    )


def asyncpg_dsn(url: str) -> str:
    return (
        make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    )


async def unreachable(server_url: str) -> str | None:
    """Why PostgreSQL at ``server_url`` cannot be used (None: it can)."""
    try:
        connection = await asyncpg.connect(asyncpg_dsn(server_url), timeout=3)
    except Exception as exc:  # any failure means: not measured
        return f"{type(exc).__name__}: {exc}"
    try:
        version = await connection.fetchval("SHOW server_version")
    finally:
        await connection.close()
    return None if version else "no server version"


async def server_settings(server_url: str) -> dict[str, str]:
    """The server's version and the settings the figures depend on."""
    names = (
        "server_version",
        "shared_buffers",
        "work_mem",
        "max_parallel_workers_per_gather",
        "jit",
        "fsync",
        "synchronous_commit",
    )
    connection = await asyncpg.connect(asyncpg_dsn(server_url))
    try:
        return {n: str(await connection.fetchval(f"SHOW {n}")) for n in names}
    finally:
        await connection.close()


# --- G4 ------------------------------------------------------------------------------


def create_body(committee_id: str, township_code: str | None) -> dict[str, Any]:
    """The dispute G4 registers: two parties, the first with an ID number and a phone
    (stored encrypted and hashed by the service)."""
    return {
        "committee_id": committee_id,
        "township_code": township_code,
        "dispute_type": "neighbour",
        "source": "application",
        "mode": "on_site",
        "summary": "相邻通行与排水纠纷",
        "parties": [
            {
                "kind": "person",
                "name": "张伟",
                "id_number": sample_id_number(7),
                "phone": "13800000007",
            },
            {"kind": "person", "name": "李娜"},
        ],
        "amount_involved": "5000.00",
        "registered_on": "2023-06-01",
    }


@dataclass
class Writes:
    """What G4 runs against: the service's create URL, the reference's, the body file,
    and the times the preparation took (seconds)."""

    create_url: str
    insert_url: str
    body_path: Path
    seconds: dict[str, float] = field(default_factory=dict)
    pids: dict[str, int] = field(default_factory=dict)


async def _committee(url: str, region_code: str) -> tuple[str, str | None]:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        row = await connection.fetchrow(
            "SELECT id, township_code FROM mediation_committees"
            " WHERE region_code = $1 AND kind = 'township' ORDER BY id LIMIT 1",
            region_code,
        )
    finally:
        await connection.close()
    if row is None:
        raise RuntimeError(f"no committee of {region_code} in the G4 database")
    return str(row["id"]), row["township_code"]


def _uvicorn(app: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The reference app under the services' uvicorn command."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--app-dir",
            str(HERE),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        cwd=ROOT,
    )


def _wait_http(url: str, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    with httpx.Client(timeout=2, trust_env=False) as client:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{url}: exited with {process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                client.get(url)
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} not up after {timeout_s:.0f} s")
            time.sleep(0.2)


@contextlib.contextmanager
def writes(
    stack: Stack, server_url: str, *, region_code: str, work_dir: Path
) -> Iterator[Writes]:
    """G4's setup (module docstring) beside a running ``stack`` whose gateway signs the
    tokens: a second mediation process on the scratch database, and the reference.
    Everything is stopped and the database dropped on exit."""
    url = database_url(server_url, WRITES_DATABASE)
    seconds: dict[str, float] = {}
    processes: list[subprocess.Popen[bytes]] = []
    pg = Stack(
        data_dir=stack.data_dir,
        ports={**stack.ports, "mediation": free_port()},
        database_urls={"mediation": url},
        log_level="error",
    )
    try:
        scale = data.SCALES["county"]
        started = time.monotonic()
        _, loaded = asyncio.run(
            data.prepare_and_load(
                scale,
                {"mediation": url},
                seed=data.DEFAULT_SEED,
                year=data.DEFAULT_YEAR,
                replace=True,
            )
        )
        seconds["county load (create, migrate, load)"] = time.monotonic() - started
        seconds |= {f"county {k}": v for k, v in loaded.seconds.items()}
        committee_id, township = asyncio.run(_committee(url, region_code))
        body_path = work_dir / "create-dispute.json"
        body_path.write_text(
            json.dumps(create_body(committee_id, township), ensure_ascii=False)
        )
        pg.start_service("mediation")
        pg.wait_ready(services=("mediation",))
        insert_port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        env |= {
            "BENCH_INSERT_DSN": asyncpg_dsn(url),
            "BENCH_INSERT_REGION_CODE": region_code,
        }
        reference = _uvicorn("reference_insert:app", insert_port, env)
        processes.append(reference)
        _wait_http(f"http://127.0.0.1:{insert_port}/docs", reference, 30)
        yield Writes(
            create_url=f"{pg.url('mediation')}/api/v1/disputes",
            insert_url=f"http://127.0.0.1:{insert_port}/disputes",
            body_path=body_path,
            seconds=seconds,
            pids={
                "mediation (PostgreSQL)": pg.processes["mediation"].pid,
                "reference insert": reference.pid,
            },
        )
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        pg.stop()
        asyncio.run(data.drop_database(url))


def check_create(writes_: Writes, token: str) -> None:
    """One create through each endpoint: both must answer 201 (else the figures would
    measure errors)."""
    body = writes_.body_path.read_bytes()
    headers = {"Content-Type": "application/json"}
    with httpx.Client(trust_env=False, timeout=10) as client:
        for name, url, extra in (
            (
                "create",
                writes_.create_url,
                {
                    "Authorization": f"Bearer {token}",
                    "Idempotency-Key": f"bench-check-{time.time_ns()}",
                },
            ),
            ("insert", writes_.insert_url, {}),
        ):
            response = client.post(url, content=body, headers=headers | extra)
            if response.status_code != 201:
                raise RuntimeError(
                    f"{name}: {url} answered {response.status_code}: {response.text[:300]}"
                )


# --- G5 / G6 -------------------------------------------------------------------------


@dataclass(frozen=True)
class StatisticsTiming:
    """The statistics of one scope and year, timed (milliseconds, warm medians), beside
    the sequential-scan aggregate of the same disputes.

    ``expected``: disputes of the scope loaded; ``answered``: the service's
    ``mediation.cases_mediated`` (the timing counts only when they agree);
    ``reference_plan``: the scan nodes of the reference's plan."""

    goal: str
    scope: str
    scale: str
    expected: int
    answered: int
    median_ms: float
    samples_ms: list[float]
    reference_ms: float
    reference_samples_ms: list[float]
    reference_plan: str
    #: The service's recount from the case tables (``count_from_cases``, indexed), for
    #: a county, when the service has it; milliseconds.
    from_cases_ms: float | None = None

    @property
    def ratio(self) -> float:
        return self.median_ms / self.reference_ms

    @property
    def target_ms(self) -> float:
        return G5_TARGET_MS if self.goal == "G5" else G6_TARGET_MS

    @property
    def valid(self) -> bool:
        return self.answered == self.expected

    @property
    def met(self) -> bool:
        return self.valid and self.median_ms < self.target_ms


def _scope_condition(scope: str) -> tuple[str, list[Any]]:
    """SQL condition of a scope on ``disputes`` (a county, a province ``PP0000`` or the
    country ``000000``), with its parameters from $3."""
    if scope == "000000":
        return "TRUE", []
    if scope.endswith("0000"):
        return "region_code LIKE $3", [scope[:2] + "%"]
    return "region_code = $3", [scope]


async def time_seqscan(
    url: str, scope: str, year: int, *, repeat: int
) -> tuple[list[float], str]:
    """The reference: ``SELECT status, dispute_type, count(*) FROM disputes WHERE <scope>
    AND registered_on BETWEEN <year> GROUP BY 1, 2`` with index and bitmap scans off (a
    sequential scan, parallel when the planner wants), warm: one unmeasured run, then
    ``repeat`` timed ones (milliseconds); and the plan's scan nodes."""
    condition, params = _scope_condition(scope)
    sql = (
        "SELECT status, dispute_type, count(*) FROM disputes"
        f" WHERE {condition} AND registered_on BETWEEN $1 AND $2 GROUP BY 1, 2"
    )
    args = [dt.date(year, 1, 1), dt.date(year, 12, 31), *params]
    connection = await asyncpg.connect(asyncpg_dsn(url))
    samples: list[float] = []
    try:
        async with connection.transaction():
            for option in ("enable_indexscan", "enable_indexonlyscan"):
                await connection.execute(f"SET LOCAL {option} = off")
            await connection.execute("SET LOCAL enable_bitmapscan = off")
            plan = await connection.fetchval(f"EXPLAIN (FORMAT JSON) {sql}", *args)
            await connection.fetch(sql, *args)
            for _ in range(repeat):
                started = time.perf_counter()
                await connection.fetch(sql, *args)
                samples.append((time.perf_counter() - started) * 1000)
    finally:
        await connection.close()
    return samples, ", ".join(sorted(set(_scan_nodes(json.loads(plan)))))


def _scan_nodes(node: Any) -> Iterator[str]:
    if isinstance(node, list):
        for item in node:
            yield from _scan_nodes(item)
    elif isinstance(node, dict):
        kind = node.get("Node Type", "")
        if "Scan" in kind:
            yield f"{'Parallel ' if node.get('Parallel Aware') else ''}{kind}"
        for value in node.values():
            if isinstance(value, list | dict):
                yield from _scan_nodes(value)


async def time_statistics(
    url: str, scope: str, year: int, *, repeat: int
) -> tuple[list[float], int, list[float] | None]:
    """The service's ``compute_statistics`` in-process, on a read-only session of the
    service's engine settings, warm: one unmeasured call, then ``repeat`` timed ones
    (milliseconds, session checkout included); the ``mediation.cases_mediated`` it
    answered; and for a county the same timing of ``count_from_cases`` when the service
    has it (None otherwise)."""
    engine = create_engine(url)
    maker = create_sessionmaker(read_only(engine))

    async def timed(compute: Any) -> tuple[list[float], Any]:
        samples: list[float] = []
        result = None
        for i in range(repeat + 1):
            started = time.perf_counter()
            async with maker() as session:
                result = await compute(session, region_code=scope, year=year)
            if i:
                samples.append((time.perf_counter() - started) * 1000)
        return samples, result

    try:
        samples, result = await timed(service.compute_statistics)
        answered = int(result.figures["mediation.cases_mediated"].value)
        from_cases = None
        recount = getattr(service, "count_from_cases", None)
        if recount is not None and not scope.endswith("0000"):
            from_cases, _ = await timed(recount)
    finally:
        await engine.dispose()
    return samples, answered, from_cases


def expected_disputes(the_plan: data.Plan, scope: str) -> int:
    if scope == "000000":
        return sum(the_plan.disputes.values())
    if scope.endswith("0000"):
        return sum(n for c, n in the_plan.disputes.items() if c[:2] == scope[:2])
    return the_plan.disputes.get(scope, 0)


async def measure_scale(
    url: str, the_plan: data.Plan, *, year: int, repeat: int
) -> list[StatisticsTiming]:
    """G5 for the scale's largest county and G6 for its whole region (module docstring)."""
    out = []
    for goal, scope in (("G5", the_plan.largest_county), ("G6", the_plan.top_scope)):
        samples, answered, from_cases = await time_statistics(
            url, scope, year, repeat=repeat
        )
        reference, plan = await time_seqscan(url, scope, year, repeat=repeat)
        out.append(
            StatisticsTiming(
                goal=goal,
                scope=scope,
                scale=the_plan.scale.name,
                expected=expected_disputes(the_plan, scope),
                answered=answered,
                median_ms=statistics.median(samples),
                samples_ms=samples,
                reference_ms=statistics.median(reference),
                reference_samples_ms=reference,
                reference_plan=plan,
                from_cases_ms=statistics.median(from_cases) if from_cases else None,
            )
        )
    return out


@dataclass
class ScaleRun:
    """One scale loaded and measured: the plan, the load's counts and times (seconds),
    and the timings."""

    the_plan: data.Plan
    loaded: data.Loaded
    timings: list[StatisticsTiming]
    load_seconds: float


def run_scale(
    server_url: str, scale_name: str, *, year: int, seed: int, repeat: int
) -> ScaleRun:
    """Create, migrate and load the scale's two databases (``fazhi_bench_<scale>_
    <service>``), time G5 and G6 on the mediation one, drop both."""
    scale = data.SCALES[scale_name]
    urls = {
        service: database_url(server_url, f"fazhi_bench_{scale_name}_{service}")
        for service in data.SERVICES
    }

    def say(line: str) -> None:
        print(line, flush=True)

    try:
        started = time.monotonic()
        the_plan, loaded = asyncio.run(
            data.prepare_and_load(
                scale, urls, seed=seed, year=year, replace=True, progress=say
            )
        )
        load_seconds = time.monotonic() - started
        timings = asyncio.run(
            measure_scale(urls["mediation"], the_plan, year=year, repeat=repeat)
        )
    finally:
        for url in urls.values():
            asyncio.run(data.drop_database(url))
    return ScaleRun(the_plan, loaded, timings, load_seconds)
