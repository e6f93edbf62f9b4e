"""``make bench``: the performance goals of issue 8 as ratios against references measured in
the same run, on this machine, over loopback (method and latest results:
docs/performance.md).

Starts the four services on SQLite in a temporary directory (``deploy/local/stack.py``),
loads the county sample (通城县 2023, through the gateway, as ``make demo`` does) and a bare
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

Each measurement is repeated ``--runs`` times (≥ 3); the table shows the median of each
run's ratio, and a run whose reference drifts more than 7 % between its start and its end
is flagged. Goals the suite does not measure yet are listed as such, never as met.

    python deploy/bench/run.py [--runs 3] [--duration 10] [--no-sample]
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
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy" / "local"))

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
) -> Load:
    """Warm up, then measure ``url`` with ``connections`` keep-alive connections
    (``count_partial``: also count annual reports answered ``partial: true``)."""
    args = ["wrk", "-t1", f"-c{connections}", "--latency", "--timeout", "5s"]
    if count_partial:
        args += ["-s", str(Path(__file__).with_name("partial.lua"))]
    if token:
        args += ["-H", f"Authorization: Bearer {token}"]
    if warmup_s:
        subprocess.run(
            [*args, f"-d{warmup_s}s", url], check=True, capture_output=True, text=True
        )
    ticks = _cpu_ticks(watch_pid) if watch_pid else 0
    out = subprocess.run(
        [*args, f"-d{duration_s}s", url], check=True, capture_output=True, text=True
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


@dataclass(frozen=True)
class Goal:
    key: str
    what: str
    target: str
    value: Callable[[dict[str, Load], dict[str, float]], float]
    met: Callable[[float], bool]
    unit: str = "×"


GOALS: tuple[Goal, ...] = (
    Goal(
        "G1",
        "service read with all middleware ÷ bare FastAPI JSON, rps at c64",
        "≥ 0.85",
        lambda m, _: m["service_c64"].rps / m["reference_c64"].rps,
        lambda v: v >= 0.85,
    ),
    Goal(
        "G2",
        "routed through the gateway ÷ direct, rps at c64",
        "≥ 0.25",
        lambda m, _: m["routed_c64"].rps / m["service_c64"].rps,
        lambda v: v >= 0.25,
    ),
    Goal(
        "G2",
        "added by the gateway at p50 with one connection",
        "≤ 0.5 ms",
        lambda m, _: m["routed_c1"].p50_ms - m["service_c1"].p50_ms,
        lambda v: v <= 0.5,
        unit="ms",
    ),
    Goal(
        "G3",
        "annual report ÷ single routed call, rps at c64",
        "≥ 0.5",
        lambda m, _: m["report_c64"].rps / m["routed_c64"].rps,
        lambda v: v >= 0.5,
    ),
    Goal(
        "G3",
        "annual report p99 at c64 (county data unless --no-sample)",
        "≤ 150 ms",
        lambda m, _: m["report_c64"].p99_ms,
        lambda v: v <= 150,
        unit="ms",
    ),
    Goal(
        "G3",
        "annual reports answered partial (a source missing) at c64, share",
        "0",
        lambda m, _: (m["report_c64"].partial or 0) / max(m["report_c64"].requests, 1),
        lambda v: v == 0,
        unit="share",
    ),
    Goal(
        "Memory",
        "largest service resident memory under the G3 load",
        "< 200 MB",
        lambda _, rss: max(rss.values()),
        lambda v: v < 200,
        unit="MB",
    ),
)
NOT_MEASURED = (
    ("G4", "create-dispute ÷ raw insert on PostgreSQL, rps at c64", "≥ 0.25"),
    ("G5", "one county's statistics over 10 million disputes (PostgreSQL)", "< 25 ms"),
    ("G6", "the whole country's statistics from rollups (PostgreSQL)", "< 5 ms"),
)


def measure_run(
    urls: dict[str, str],
    *,
    token: str,
    pids: dict[str, int],
    duration_s: int,
    warmup_s: int,
) -> tuple[dict[str, Load], dict[str, float], float]:
    """One run of every measurement; answers the loads, the services' peak memory under
    the report's load, and the reference's drift over the run (fraction)."""

    def run(name: str, key: str, connections: int, **kw: object) -> Load:
        load = wrk(
            urls[key],
            connections=connections,
            duration_s=duration_s,
            warmup_s=warmup_s,
            **kw,  # type: ignore[arg-type]
        )
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
    return loads, dict(sampler.peak_mb), drift


def report_table(
    runs: Sequence[tuple[dict[str, Load], dict[str, float], float]],
) -> tuple[str, list[dict[str, object]]]:
    lines = [
        "| goal | what | target | median | runs | verdict |",
        "|---|---|---|---:|---|---|",
    ]
    rows: list[dict[str, object]] = []
    for goal in GOALS:
        values = [goal.value(loads, rss) for loads, rss, _ in runs]
        median = statistics.median(values)
        # A run with failed requests measured something else: never a met goal.
        clean = all(load.errors == 0 for loads, _, _ in runs for load in loads.values())
        met = goal.met(median) and clean
        unit = goal.unit

        def fmt(v: float, unit: str = unit) -> str:
            if unit == "×":
                return f"{v:.2f}"
            if unit == "share":
                return f"{v:.1%}"
            return f"{v:.1f} {unit}"

        lines.append(
            f"| {goal.key} | {goal.what} | {goal.target} | {fmt(median)} | "
            f"{', '.join(fmt(v) for v in values)} | {'met' if met else 'NOT MET'} |"
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
    for key, what, target in NOT_MEASURED:
        lines.append(f"| {key} | {what} | {target} | — | — | not measured yet |")
        rows.append({"goal": key, "what": what, "target": target, "met": None})
    return "\n".join(lines), rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--duration", type=int, default=10, help="seconds per measurement"
    )
    parser.add_argument("--warmup", type=int, default=2, help="seconds before each")
    parser.add_argument("--no-sample", action="store_true", help="skip the county data")
    parser.add_argument("--out", default=str(ROOT / "var" / "bench" / "latest.json"))
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error(
            "--runs must be at least 1 (3 or more for a verdict worth recording)"
        )
    if shutil.which("wrk") is None:
        print(
            "make bench needs wrk: apt-get install wrk (Debian's package)",
            file=sys.stderr,
        )
        return 2

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
    try:
        with stack.running():
            credentials = stack.create_client(
                "bench", LOADER_SCOPES, region_code=REGION_CODE
            )
            if not args.no_sample:
                started = time.monotonic()
                counts = asyncio.run(load_sample(stack.url(), credentials=credentials))
                print(
                    f"county sample loaded in {time.monotonic() - started:.0f} s: {counts}"
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
            runs = []
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
    finally:
        reference.terminate()
        reference.wait()
        shutil.rmtree(data_dir, ignore_errors=True)
    table, rows = report_table(runs)
    drifts = [drift for _, _, drift in runs]
    print()
    print(table)
    print()
    print(
        "reference drift per run: "
        + ", ".join(f"{d:.1%}" for d in drifts)
        + ("" if max(drifts) <= 0.07 else "  (over 7 %: repeat on a quieter machine)")
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "machine": {"cpus": os.cpu_count(), "uname": " ".join(os.uname())},
                "goals": rows,
                "runs": [
                    {
                        "loads": {k: asdict(v) for k, v in loads.items()},
                        "peak_rss_mb": rss,
                        "reference_drift": drift,
                    }
                    for loads, rss, drift in runs
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
