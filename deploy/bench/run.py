"""``make bench``: the performance goals of issue 8 as ratios against references measured in
the same run, on this machine, over loopback (method and latest results:
docs/performance.md).

Starts the four services on SQLite in a temporary directory (``deploy/local/stack.py``),
loads the county scale of ``make bench-data`` into them through the services' bulk paths
(通城县 2023: 4,600 disputes, 80 applications; ``--tongcheng`` enters the real 通城县 2023
sample through the gateway instead, as ``make demo`` does, minutes slower) and starts a bare
FastAPI reference app under the same uvicorn command, then measures with ``wrk`` (Debian's
package; one thread, keep-alive connections, a warm-up before each measurement):

- G1: a service read endpoint with all its middleware (token check, request id, logging,
  query guard): ``GET /api/v1/me`` of the reconsideration service, against the reference's
  ``GET /json``; ≥ 0.85× its throughput at 64 connections.
- G2: the same call routed through the gateway (``/api/v1/reconsideration/me``) against
  the direct call: ≥ 0.25× its throughput at 64 connections, ≤ 0.5 ms added at p50 with one
  connection. The gateway's CPU per routed request is printed beside it.
- G3: the annual report (fan-out to the three services) against a single routed call:
  ≥ 0.5× its throughput at 64 connections and p99 ≤ 150 ms on county data.
- Memory: each service's peak resident memory while G3 runs, < 200 MB.

Then, when PostgreSQL answers at ``--postgres-url`` (``deploy/bench/pg.py``; scratch
databases ``fazhi_bench_*``, created, migrated with alembic and dropped):

- G4: ``POST /api/v1/disputes`` of a second mediation process on PostgreSQL (validation,
  one party's personal data encrypted, audit, Idempotency-Key, case number, rollups; the
  county scale loaded first through ``mediation.bulk``) against a raw asyncpg INSERT of the
  same dispute row (``reference_insert.py``), both POSTed by wrk with ``create.lua`` (a
  fresh Idempotency-Key per request): ≥ 0.25× its throughput at 64 and at 1 connection.
- G5/G6: the province scale (1 million disputes, 100,000 applications over 100 counties)
  loaded through the services' bulk paths (``deploy/bench/data.py``), then the mediation
  service's ``compute_statistics`` timed in-process (warm median of ``--repeat`` calls) for
  the largest county (G5, < 25 ms) and the whole province (G6, < 5 ms), beside the
  sequential-scan aggregate of the same disputes. ``--national`` adds the national scale
  (10 million disputes over 3,007 counties; the country is the G6 scope): about 13 to 15
  minutes more.

Each wrk measurement is repeated ``--runs`` times (≥ 3); the table shows the median of each
run's ratio, and a run whose reference drifts more than 7 % between its start and its end
is flagged. Goals not measured (no PostgreSQL, a scale not loaded) are listed as such with
the reason, never as met; a goal measured over failed requests is never met. With the
defaults (3 runs of 5 s after a 1 s warm-up) county and province take about 6 to 8
minutes on 2 vCPUs.

    python deploy/bench/run.py [--runs 3] [--duration 5] [--warmup 1]
        [--no-sample | --tongcheng]
        [--postgres-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres]
        [--no-postgres] [--no-province] [--national] [--repeat 7]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from shared.db import sqlite_url

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy" / "local"))
sys.path.insert(0, str(ROOT / "deploy" / "bench"))

import data  # noqa: E402
import pg  # noqa: E402
from stack import Stack, free_port  # noqa: E402

REGION_CODE = "421222"
#: wrk's latency units, in milliseconds.
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class Load:
    """One wrk measurement."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    #: CPU of the watched process per request, in microseconds (None when not watched).
    cpu_us_per_request: float | None = None
    #: Annual reports answered without a source (``partial: true``), when counted.
    partial: int | None = None


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if match is None:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> Load:
    """The throughput, median and 99th percentile latency, request and error counts of
    ``wrk --latency`` output. Raises ValueError when a figure is missing."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    done = re.search(r"(\d+) requests in", output)
    if not (rps and p50 and p99 and done):
        raise ValueError(f"unreadable wrk output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if sockets:
        errors += sum(int(g) for g in sockets.groups())
    partial = re.search(r"Partial answers: (\d+)", output)
    return Load(
        partial=int(partial.group(1)) if partial else None,
        rps=float(rps.group(1)),
        p50_ms=_ms(p50.group(1)),
        p99_ms=_ms(p99.group(1)),
        requests=int(done.group(1)),
        errors=errors,
    )


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class RssSampler:
    """The peak resident memory of some processes, sampled every 0.2 s while it runs."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.peak_mb = dict.fromkeys(pids, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pid in self.pids.items():
                self.peak_mb[name] = max(self.peak_mb[name], _rss_mb(pid))
            self._stop.wait(0.2)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def wrk(
    url: str,
    *,
    connections: int,
    duration_s: int,
    warmup_s: int,
    token: str | None = None,
    watch_pid: int | None = None,
    count_partial: bool = False,
    post_body: Path | None = None,
) -> Load:
    """Warm up, then measure ``url`` with ``connections`` keep-alive connections
    (``count_partial``: also count annual reports answered ``partial: true``;
    ``post_body``: POST the JSON in that file, a fresh Idempotency-Key per request)."""
    args = ["wrk", "-t1", f"-c{connections}", "--latency", "--timeout", "5s"]
    if count_partial:
        args += ["-s", str(Path(__file__).with_name("partial.lua"))]
    if post_body is not None:
        args += ["-s", str(Path(__file__).with_name("create.lua"))]
    if token:
        args += ["-H", f"Authorization: Bearer {token}"]

    def script_args() -> list[str]:
        # The body file and a prefix of the Idempotency-Keys unique to this wrk run.
        return ["--", str(post_body), uuid.uuid4().hex] if post_body else []

    if warmup_s:
        subprocess.run(
            [*args, f"-d{warmup_s}s", url, *script_args()],
            check=True,
            capture_output=True,
            text=True,
        )
    ticks = _cpu_ticks(watch_pid) if watch_pid else 0
    out = subprocess.run(
        [*args, f"-d{duration_s}s", url, *script_args()],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    load = parse_wrk(out)
    if watch_pid:
        used_s = (_cpu_ticks(watch_pid) - ticks) / os.sysconf("SC_CLK_TCK")
        load = Load(
            **{
                **asdict(load),
                "cpu_us_per_request": used_s * 1e6 / max(load.requests, 1),
            }
        )
    return load


def _token(gateway: str, credentials: tuple[str, str]) -> str:
    response = httpx.post(
        f"{gateway}/api/v1/auth/token",
        data={"grant_type": "client_credentials"},
        auth=credentials,
        trust_env=False,
        timeout=10,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


@dataclass
class Run:
    """One run: every load (by name), the services' peak memory under the report's load
    (MB), the reference's drift over the run (fraction), and the loads of G4 (empty when
    not measured)."""

    loads: dict[str, Load]
    rss: dict[str, float]
    drift: float
    writes: dict[str, Load] = field(default_factory=dict)


@dataclass(frozen=True)
class Goal:
    key: str
    what: str
    target: str
    value: Callable[[Run], float]
    met: Callable[[float], bool]
    unit: str = "×"
    #: Loads of ``Run.writes`` the goal needs (a G4 goal); empty: ``Run.loads``.
    writes: tuple[str, ...] = ()


GOALS: tuple[Goal, ...] = (
    Goal(
        "G1",
        "service read with all middleware ÷ bare FastAPI JSON, rps at c64",
        "≥ 0.85",
        lambda r: r.loads["service_c64"].rps / r.loads["reference_c64"].rps,
        lambda v: v >= 0.85,
    ),
    Goal(
        "G2",
        "routed through the gateway ÷ direct, rps at c64",
        "≥ 0.25",
        lambda r: r.loads["routed_c64"].rps / r.loads["service_c64"].rps,
        lambda v: v >= 0.25,
    ),
    Goal(
        "G2",
        "added by the gateway at p50 with one connection",
        "≤ 0.5 ms",
        lambda r: r.loads["routed_c1"].p50_ms - r.loads["service_c1"].p50_ms,
        lambda v: v <= 0.5,
        unit="ms",
    ),
    Goal(
        "G3",
        "annual report ÷ single routed call, rps at c64",
        "≥ 0.5",
        lambda r: r.loads["report_c64"].rps / r.loads["routed_c64"].rps,
        lambda v: v >= 0.5,
    ),
    Goal(
        "G3",
        "annual report p99 at c64 (county data unless --no-sample)",
        "≤ 150 ms",
        lambda r: r.loads["report_c64"].p99_ms,
        lambda v: v <= 150,
        unit="ms",
    ),
    Goal(
        "G3",
        "annual reports answered partial (a source missing) at c64, share",
        "0",
        lambda r: (
            (r.loads["report_c64"].partial or 0)
            / max(r.loads["report_c64"].requests, 1)
        ),
        lambda v: v == 0,
        unit="share",
    ),
    Goal(
        "Memory",
        "largest service resident memory under the G3 load",
        "< 200 MB",
        lambda r: max(r.rss.values()),
        lambda v: v < 200,
        unit="MB",
    ),
    Goal(
        "G4",
        "create-dispute ÷ raw insert of the row, PostgreSQL, rps at c64",
        "≥ 0.25",
        lambda r: r.writes["create_c64"].rps / r.writes["insert_c64"].rps,
        lambda v: v >= 0.25,
        writes=("create_c64", "insert_c64"),
    ),
    Goal(
        "G4",
        "create-dispute ÷ raw insert of the row, PostgreSQL, rps at c1",
        "≥ 0.25",
        lambda r: r.writes["create_c1"].rps / r.writes["insert_c1"].rps,
        lambda v: v >= 0.25,
        writes=("create_c1", "insert_c1"),
    ),
)
#: What G5 and G6 time, by (goal, scale).
SCALE_GOALS = {
    ("G5", "province"): "largest county's statistics, province scale (1 M disputes)",
    ("G6", "province"): "the whole province's statistics (420000), 1 M disputes",
    ("G5", "national"): "largest county's statistics over 10 M disputes",
    ("G6", "national"): "the whole country's statistics (000000), 10 M disputes",
}


def measure_run(
    urls: dict[str, str],
    *,
    token: str,
    pids: dict[str, int],
    duration_s: int,
    warmup_s: int,
) -> Run:
    """One run of G1 to G3 and memory: the loads, the services' peak memory under the
    report's load, and the reference's drift over the run (fraction)."""

    def run(name: str, key: str, connections: int, **kw: object) -> Load:
        load = wrk(
            urls[key],
            connections=connections,
            duration_s=duration_s,
            warmup_s=warmup_s,
            **kw,  # type: ignore[arg-type]
        )
        _print_load(name, load)
        return load

    loads: dict[str, Load] = {}
    loads["reference_c64"] = run("reference c64", "reference", 64)
    loads["reference_c1"] = run("reference c1", "reference", 1)
    loads["service_c64"] = run("service c64", "service", 64, token=token)
    loads["service_c1"] = run("service c1", "service", 1, token=token)
    loads["routed_c64"] = run(
        "routed c64", "routed", 64, token=token, watch_pid=pids["gateway"]
    )
    loads["routed_c1"] = run("routed c1", "routed", 1, token=token)
    with RssSampler(pids) as sampler:
        loads["report_c64"] = run(
            "report c64",
            "report",
            64,
            token=token,
            watch_pid=pids["gateway"],
            count_partial=True,
        )
    loads["report_c1"] = run("report c1", "report", 1, token=token, count_partial=True)
    end = run("reference c64", "reference", 64)
    drift = abs(end.rps - loads["reference_c64"].rps) / loads["reference_c64"].rps
    return Run(loads, dict(sampler.peak_mb), drift)


def _print_load(name: str, load: Load) -> None:
    print(
        f"  {name:<16} {load.rps:>9.0f} rps  p50 {load.p50_ms:7.2f} ms  "
        f"p99 {load.p99_ms:7.2f} ms  errors {load.errors}"
        + (
            f"  cpu {load.cpu_us_per_request:.0f} µs/req"
            if load.cpu_us_per_request is not None
            else ""
        )
        + (f"  partial {load.partial}" if load.partial is not None else ""),
        flush=True,
    )


def measure_writes(
    writes: pg.Writes, *, token: str, duration_s: int, warmup_s: int
) -> dict[str, Load]:
    """One run of G4: the raw insert and the create endpoint at 64 and 1 connections."""
    loads: dict[str, Load] = {}
    for name, url, auth in (
        ("insert", writes.insert_url, None),
        ("create", writes.create_url, token),
    ):
        for connections in (64, 1):
            load = wrk(
                url,
                connections=connections,
                duration_s=duration_s,
                warmup_s=warmup_s,
                token=auth,
                post_body=writes.body_path,
            )
            _print_load(f"{name} c{connections}", load)
            loads[f"{name}_c{connections}"] = load
    return loads


def measure_g4(
    stack: Stack,
    credentials: tuple[str, str],
    runs: Sequence[Run],
    args: argparse.Namespace,
    *,
    work_dir: Path,
) -> dict[str, float]:
    """G4 beside the running stack (``pg.writes``): one measurement per run, stored in
    ``Run.writes``; answers the setup's times (seconds)."""
    print("G4: the county scale on PostgreSQL", flush=True)
    with pg.writes(
        stack, args.postgres_url, region_code=REGION_CODE, work_dir=work_dir
    ) as writes:
        print(
            "  " + ", ".join(f"{k} {v:.1f} s" for k, v in writes.seconds.items()),
            flush=True,
        )
        pg.check_create(writes, _token(stack.url(), credentials))
        for i, run in enumerate(runs):
            print(f"G4 run {i + 1} of {len(runs)}", flush=True)
            run.writes = measure_writes(
                writes,
                token=_token(stack.url(), credentials),
                duration_s=args.duration,
                warmup_s=args.warmup,
            )
        return writes.seconds


def _value(goal: Goal, run: Run) -> float:
    """The goal's figure in the run (NaN when a reference answered nothing)."""
    try:
        return goal.value(run)
    except ZeroDivisionError:
        return float("nan")


def _fmt(v: float, unit: str) -> str:
    if unit == "×":
        return f"{v:.2f}"
    if unit == "share":
        return f"{v:.1%}"
    return f"{v:.1f} {unit}"


def report_table(
    runs: Sequence[Run],
    *,
    scales: Sequence[pg.ScaleRun] = (),
    unmeasured: dict[str, str] | None = None,
) -> tuple[str, list[dict[str, object]]]:
    """The table of every goal (Markdown) and its rows for the JSON results.
    ``unmeasured``: goal key → why it was not measured (G4, G5, G6, or a scale as
    ``G5 national``)."""
    unmeasured = unmeasured or {}
    lines = [
        "| goal | what | target | median | runs | verdict |",
        "|---|---|---|---:|---|---|",
    ]
    rows: list[dict[str, object]] = []

    def not_measured(key: str, what: str, target: str, why: str) -> None:
        lines.append(f"| {key} | {what} | {target} | — | — | not measured ({why}) |")
        rows.append(
            {"goal": key, "what": what, "target": target, "met": None, "why": why}
        )

    for goal in GOALS:
        if not runs:
            not_measured(
                goal.key, goal.what, goal.target, unmeasured.get(goal.key, "no data")
            )
            continue
        if goal.writes and not all(
            all(k in run.writes for k in goal.writes) for run in runs
        ):
            not_measured(
                goal.key, goal.what, goal.target, unmeasured.get(goal.key, "no data")
            )
            continue
        values = [_value(goal, run) for run in runs]
        median = statistics.median(values)
        # A run with failed requests, or none answered, measured something else:
        # never a met goal.
        used = [
            load
            for run in runs
            for load in (
                [run.writes[k] for k in goal.writes]
                if goal.writes
                else run.loads.values()
            )
        ]
        clean = all(load.errors == 0 and load.requests > 0 for load in used)
        met = goal.met(median) and clean
        lines.append(
            f"| {goal.key} | {goal.what} | {goal.target} | {_fmt(median, goal.unit)} | "
            f"{', '.join(_fmt(v, goal.unit) for v in values)} | "
            f"{'met' if met else 'NOT MET'}"
            f"{'' if clean else ' (failed or no requests)'} |"
        )
        rows.append(
            {
                "goal": goal.key,
                "what": goal.what,
                "target": goal.target,
                "median": median,
                "runs": values,
                "met": met,
            }
        )
    timed = {(t.goal, t.scale): t for scale in scales for t in scale.timings}
    for (key, scale_name), what in SCALE_GOALS.items():
        target = f"< {pg.G5_TARGET_MS if key == 'G5' else pg.G6_TARGET_MS:g} ms"
        t = timed.get((key, scale_name))
        if t is None:
            why = (
                unmeasured.get(key)
                or unmeasured.get(f"{key} {scale_name}")
                or "no data"
            )
            not_measured(key, what, target, why)
            continue
        what = f"{what}: {t.scope}, {t.expected:,} disputes"
        detail = (
            f"{len(t.samples_ms)} calls {min(t.samples_ms):.2f}–{max(t.samples_ms):.2f}"
            f" ms; seq-scan aggregate {t.reference_ms:.1f} ms ({t.reference_plan}),"
            f" ratio {t.ratio:.4f}"
            + (
                f"; from the case tables {t.from_cases_ms:.1f} ms"
                if t.from_cases_ms is not None
                else ""
            )
        )
        verdict = (
            ("met" if t.met else "NOT MET")
            if t.valid
            else f"not measured (answered {t.answered:,} disputes of {t.expected:,})"
        )
        lines.append(
            f"| {key} | {what} | {target} | {t.median_ms:.2f} ms | {detail} | {verdict} |"
        )
        rows.append(
            {
                "goal": key,
                "what": what,
                "target": target,
                "median": t.median_ms,
                "runs": t.samples_ms,
                "reference_ms": t.reference_ms,
                "reference_runs": t.reference_samples_ms,
                "reference_plan": t.reference_plan,
                "ratio": t.ratio,
                "from_cases_ms": t.from_cases_ms,
                "answered": t.answered,
                "expected": t.expected,
                "met": t.met if t.valid else None,
            }
        )
    return "\n".join(lines), rows


async def load_county_scale(data_dir: Path) -> data.Loaded:
    """The county scale of ``make bench-data`` (通城县 2023: 4,600 disputes, 80
    applications) written into the running stack's SQLite databases in ``data_dir``
    through the services' bulk paths (``mediation.bulk``, ``reconsideration.bulk``)."""
    the_plan = data.plan(data.SCALES["county"], seed=data.DEFAULT_SEED)
    return await data.load(
        the_plan,
        {service: sqlite_url(data_dir, service) for service in data.SERVICES},
        seed=data.DEFAULT_SEED,
        year=2023,
    )


def measure_http(
    args: argparse.Namespace, *, no_postgres: str, unmeasured: dict[str, str]
) -> tuple[list[Run], dict[str, float]]:
    """G1 to G3 and memory on the SQLite stack, then G4 beside it (unless
    ``no_postgres`` says why not); a failed G4 setup is written to ``unmeasured``."""
    from gateway.sample.tongcheng_2023 import LOADER_SCOPES, load_sample

    data_dir = Path(tempfile.mkdtemp(prefix="fazhi-bench-"))
    # Errors only: under the report's load the gateway warns about every late source.
    stack = Stack.on_free_ports(data_dir, log_level="error")
    reference_port = free_port()
    reference = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "reference:app",
            "--app-dir",
            str(ROOT / "deploy" / "bench"),
            "--host",
            "127.0.0.1",
            "--port",
            str(reference_port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
    )
    runs: list[Run] = []
    writes_seconds: dict[str, float] = {}
    try:
        with stack.running():
            credentials = stack.create_client(
                "bench", LOADER_SCOPES, region_code=REGION_CODE
            )
            if args.tongcheng:
                started = time.monotonic()
                counts = asyncio.run(load_sample(stack.url(), credentials=credentials))
                print(
                    f"通城县 2023 sample loaded through the gateway in "
                    f"{time.monotonic() - started:.0f} s: {counts}"
                )
            elif not args.no_sample:
                started = time.monotonic()
                loaded = asyncio.run(load_county_scale(data_dir))
                print(
                    f"county scale loaded through the bulk paths in "
                    f"{time.monotonic() - started:.1f} s: "
                    + ", ".join(f"{v:,} {k}" for k, v in loaded.counts.items()),
                    flush=True,
                )
            token = _token(stack.url(), credentials)
            urls = {
                "reference": f"http://127.0.0.1:{reference_port}/json",
                "service": f"{stack.url('reconsideration')}/api/v1/me",
                "routed": f"{stack.url()}/api/v1/reconsideration/me",
                "report": f"{stack.url()}/api/v1/reports/annual?region_code={REGION_CODE}&year=2023",
            }
            with httpx.Client(trust_env=False, timeout=10) as client:
                for name, url in urls.items():
                    headers = (
                        {}
                        if name == "reference"
                        else {"Authorization": f"Bearer {token}"}
                    )
                    response = client.get(url, headers=headers)
                    if response.status_code != 200:
                        raise RuntimeError(
                            f"{name}: {url} answered {response.status_code}"
                        )
            pids = {name: process.pid for name, process in stack.processes.items()}
            for i in range(args.runs):
                print(f"run {i + 1} of {args.runs}", flush=True)
                # A token lives 15 minutes: one per run.
                token = _token(stack.url(), credentials)
                runs.append(
                    measure_run(
                        urls,
                        token=token,
                        pids=pids,
                        duration_s=args.duration,
                        warmup_s=args.warmup,
                    )
                )
            if not no_postgres:
                try:
                    writes_seconds = measure_g4(
                        stack, credentials, runs, args, work_dir=data_dir
                    )
                except Exception as exc:  # a failed setup: G4 not measured, said why
                    traceback.print_exc()
                    unmeasured["G4"] = f"failed: {type(exc).__name__}: {exc}"
                    for run in runs:
                        run.writes = {}
    finally:
        reference.terminate()
        reference.wait()
        shutil.rmtree(data_dir, ignore_errors=True)
    return runs, writes_seconds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--duration", type=int, default=5, help="seconds per measurement (default 5)"
    )
    parser.add_argument(
        "--warmup", type=int, default=1, help="seconds before each (default 1)"
    )
    county_data = parser.add_mutually_exclusive_group()
    county_data.add_argument(
        "--no-sample", action="store_true", help="skip the county data"
    )
    county_data.add_argument(
        "--tongcheng",
        action="store_true",
        help="county data from the 通城县 2023 sample entered through the gateway, as "
        "make demo does (about 14,000 requests: 3 to 5 minutes more), instead of the "
        "county scale through the bulk paths",
    )
    parser.add_argument(
        "--postgres-url",
        default=pg.DEFAULT_POSTGRES_URL,
        help="PostgreSQL server for G4 to G6 (scratch databases fazhi_bench_* are "
        "created and dropped; default $FAZHI_BENCH_POSTGRES_URL or 127.0.0.1:5432, "
        "user postgres)",
    )
    parser.add_argument(
        "--no-postgres", action="store_true", help="skip G4 to G6 (PostgreSQL)"
    )
    parser.add_argument(
        "--no-province",
        action="store_true",
        help="skip the province scale (G5/G6 at 1 M disputes)",
    )
    parser.add_argument(
        "--national",
        action="store_true",
        help="also G5/G6 at national scale: 10 M disputes (PostgreSQL; about 13 to "
        "15 minutes more on 2 vCPUs)",
    )
    parser.add_argument(
        "--scales-only",
        action="store_true",
        help="only the data scales (G5/G6): no stack, no wrk (G1 to G4 not measured)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=7,
        help="timed calls per statistics figure of G5/G6 (warm; default 7)",
    )
    parser.add_argument("--out", default=str(ROOT / "var" / "bench" / "latest.json"))
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error(
            "--runs must be at least 1 (3 or more for a verdict worth recording)"
        )
    if args.repeat < 5:
        parser.error("--repeat must be at least 5")
    if shutil.which("wrk") is None:
        print(
            "make bench needs wrk: apt-get install wrk (Debian's package)",
            file=sys.stderr,
        )
        return 2

    bench_started = time.monotonic()
    unmeasured: dict[str, str] = {}
    postgres_settings: dict[str, str] = {}
    if args.no_postgres:
        no_postgres = "--no-postgres"
    else:
        reason = asyncio.run(pg.unreachable(args.postgres_url))
        no_postgres = "no PostgreSQL" if reason else ""
        if reason:
            print(f"PostgreSQL not reachable ({reason}): G4 to G6 not measured")
        else:
            postgres_settings = asyncio.run(pg.server_settings(args.postgres_url))
            print(f"PostgreSQL: {postgres_settings}", flush=True)
    if no_postgres:
        unmeasured |= dict.fromkeys(("G4", "G5", "G6"), no_postgres)
    if args.no_province:
        unmeasured |= {"G5 province": "--no-province", "G6 province": "--no-province"}
    if not args.national:
        unmeasured |= {
            "G5 national": "national scale: --national",
            "G6 national": "national scale: --national",
        }

    runs: list[Run] = []
    writes_seconds: dict[str, float] = {}
    scales: list[pg.ScaleRun] = []
    if args.scales_only:
        unmeasured |= dict.fromkeys(("G1", "G2", "G3", "Memory", "G4"), "--scales-only")
    else:
        runs, writes_seconds = measure_http(
            args, no_postgres=no_postgres, unmeasured=unmeasured
        )
    if not no_postgres:
        for scale_name, wanted in (
            ("province", not args.no_province),
            ("national", args.national),
        ):
            if not wanted:
                continue
            print(f"G5/G6: the {scale_name} scale on PostgreSQL", flush=True)
            try:
                scale = pg.run_scale(
                    args.postgres_url,
                    scale_name,
                    year=2023,
                    seed=data.DEFAULT_SEED,
                    repeat=args.repeat,
                )
            except Exception as exc:  # a failed load: not measured, said why
                traceback.print_exc()
                why = f"failed: {type(exc).__name__}: {exc}"
                unmeasured |= {f"G5 {scale_name}": why, f"G6 {scale_name}": why}
                continue
            scales.append(scale)
            print(
                f"  loaded in {scale.load_seconds:.0f} s: "
                + ", ".join(f"{v:,} {k}" for k, v in scale.loaded.counts.items())
                + " ("
                + ", ".join(f"{k} {v:.1f} s" for k, v in scale.loaded.seconds.items())
                + ")",
                flush=True,
            )
    table, rows = report_table(runs, scales=scales, unmeasured=unmeasured)
    drifts = [run.drift for run in runs]
    print()
    print(table)
    print()
    if drifts:
        print(
            "reference drift per run: "
            + ", ".join(f"{d:.1%}" for d in drifts)
            + (
                ""
                if max(drifts) <= 0.07
                else "  (over 7 %: repeat on a quieter machine)"
            )
        )
    print(f"make bench took {time.monotonic() - bench_started:.0f} s")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "machine": {"cpus": os.cpu_count(), "uname": " ".join(os.uname())},
                "postgres": postgres_settings,
                "seconds": time.monotonic() - bench_started,
                "goals": rows,
                "runs": [
                    {
                        "loads": {k: asdict(v) for k, v in run.loads.items()},
                        "writes": {k: asdict(v) for k, v in run.writes.items()},
                        "peak_rss_mb": run.rss,
                        "reference_drift": run.drift,
                    }
                    for run in runs
                ],
                "writes_setup_seconds": writes_seconds,
                "scales": [
                    {
                        "scale": s.the_plan.scale.name,
                        "counts": s.loaded.counts,
                        "load_seconds": s.load_seconds,
                        "seconds": s.loaded.seconds,
                        "largest_county": s.the_plan.largest_county,
                        "timings": [asdict(t) for t in s.timings],
                    }
                    for s in scales
                ],
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
