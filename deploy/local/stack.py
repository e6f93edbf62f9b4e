"""Run the four Fazhi services as local processes: migrate, start, wait until ready, stop.

Used by ``make run`` (gateway on http://127.0.0.1:8000, embedded SQLite under
``var/``), ``make demo`` and the end-to-end tests (free ports, a temporary data
directory, or PostgreSQL database URLs).

    python deploy/local/stack.py run  [--data-dir var] [--port 8000]
    python deploy/local/stack.py demo [--data-dir var/demo] [--port 8100]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
DATA_SERVICES = ("reconsideration", "mediation", "enforcement")
SERVICES = (*DATA_SERVICES, "gateway")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Stack:
    """The four services on 127.0.0.1.

    ``ports`` maps service → port; ``database_urls`` maps a data service to a
    database URL (default: SQLite files in ``data_dir``).
    """

    data_dir: Path
    ports: dict[str, int]
    database_urls: Mapping[str, str] = field(default_factory=dict)
    log_level: str = "warning"
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @classmethod
    def on_free_ports(cls, data_dir: Path, **kwargs: object) -> Stack:
        return cls(
            data_dir=data_dir, ports={s: free_port() for s in SERVICES}, **kwargs
        )  # type: ignore[arg-type]

    def url(self, service: str = "gateway") -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def env(self, service: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        prefix = service.upper()
        env[f"{prefix}_DATA_DIR"] = str(self.data_dir)
        env[f"{prefix}_LOG_LEVEL"] = self.log_level.upper()
        if service in self.database_urls:
            env[f"{prefix}_DATABASE_URL"] = self.database_urls[service]
        if service == "gateway":
            for upstream in DATA_SERVICES:
                env[f"GATEWAY_{upstream.upper()}_URL"] = self.url(upstream)
        else:
            env[f"{prefix}_JWKS_URL"] = f"{self.url()}/.well-known/jwks.json"
        return env

    def create_client(
        self, name: str, scopes: tuple[str, ...], *, region_code: str
    ) -> tuple[str, str]:
        """Register an OAuth2 client in the gateway's database; returns (client_id, secret)."""
        from gateway.identity.cli import run as identity_cli

        out = io.StringIO()
        argv = ["create-client", "--name", name, "--region-code", region_code]
        for scope in scopes:
            argv += ["--scope", scope]
        saved = dict(os.environ)
        os.environ.update(self.env("gateway"))
        try:
            from gateway.config import Settings

            status = asyncio.run(identity_cli(argv, settings=Settings(), stdout=out))
        finally:
            os.environ.clear()
            os.environ.update(saved)
        if status != 0:
            raise RuntimeError(f"could not create the client {name!r}")
        lines = dict(
            line.split(": ", 1) for line in out.getvalue().splitlines() if ": " in line
        )
        return lines["client_id"], lines["client_secret"]

    def migrate(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        for service in SERVICES:  # the gateway has a database too: identity
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
                env=self.env(service),
                cwd=ROOT / "services" / service,
                check=True,
                stdout=subprocess.DEVNULL,
            )

    def ports_in_use(self) -> list[str]:
        """Services whose port something else already listens on."""
        taken = []
        for service, port in self.ports.items():
            with socket.socket() as s:
                # As uvicorn binds: a port whose last connections linger in TIME_WAIT is free.
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    taken.append(f"{service} ({port})")
        return taken

    def start(self, *, timeout_s: float = 60.0) -> None:
        """Start all four and wait until each is ready; on any failure stop what started."""
        taken = self.ports_in_use()
        if taken:
            raise RuntimeError(
                f"ports already in use: {', '.join(taken)}; is another stack running?"
            )
        try:
            for service in SERVICES:
                self.start_service(service)
            self.wait_ready(timeout_s=timeout_s)
        except BaseException:
            self.stop()
            raise

    def start_service(self, service: str) -> None:
        # The gateway is the entry point: its callers connect to it directly, so it
        # trusts no X-Forwarded-For (uvicorn's default trusts any caller on 127.0.0.1,
        # and every caller of a local stack is). The services behind it read the
        # address the gateway saw from the X-Forwarded-For it sets.
        proxy_headers = ["--no-proxy-headers"] if service == "gateway" else []
        self.processes[service] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                f"{service}.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.ports[service]),
                "--log-level",
                self.log_level,
                "--no-access-log",
                "--timeout-graceful-shutdown",
                "10",
                *proxy_headers,
            ],
            env=self.env(service),
            cwd=ROOT,
        )

    def wait_ready(
        self, *, timeout_s: float = 60.0, services: tuple[str, ...] = SERVICES
    ) -> None:
        deadline = time.monotonic() + timeout_s
        pending = list(services)
        with httpx.Client(timeout=2.0, trust_env=False) as client:
            while pending:
                service = pending[0]
                process = self.processes.get(service)
                if process is not None and process.poll() is not None:
                    raise RuntimeError(
                        f"{service} exited with code {process.returncode}"
                    )
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(f"{self.url(service)}/readyz").status_code == 200:
                        pending.pop(0)
                        continue
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{service} not ready after {timeout_s:.0f} s")
                time.sleep(0.2)

    def stop_service(self, service: str, *, kill: bool = False) -> None:
        process = self.processes.pop(service, None)
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def is_running(self, service: str) -> bool:
        process = self.processes.get(service)
        return process is not None and process.poll() is None

    def kill_service(self, service: str) -> None:
        """End one service with SIGKILL, as a crash would: no graceful shutdown."""
        self.stop_service(service, kill=True)

    def pause_service(self, service: str) -> None:
        """Freeze one service (SIGSTOP): its port still accepts connections, nothing answers."""
        self.processes[service].send_signal(signal.SIGSTOP)

    def resume_service(self, service: str) -> None:
        """Let a frozen service go on (SIGCONT)."""
        self.processes[service].send_signal(signal.SIGCONT)

    def restart_service(self, service: str, *, timeout_s: float = 60.0) -> None:
        """Stop one service if it runs, start it again on its port (same data) and wait
        until it is ready."""
        self.stop_service(service)
        self.start_service(service)
        self.wait_ready(timeout_s=timeout_s, services=(service,))

    def stop(self) -> None:
        for service in reversed(SERVICES):
            self.stop_service(service)

    @contextlib.contextmanager
    def running(self) -> Iterator[Stack]:
        self.migrate()
        try:
            self.start()
            yield self
        finally:
            self.stop()


def default_ports(gateway_port: int) -> dict[str, int]:
    return {
        "gateway": gateway_port,
        **{s: gateway_port + 1 + i for i, s in enumerate(DATA_SERVICES)},
    }


def _run(args: argparse.Namespace) -> int:
    stack = Stack(
        data_dir=Path(args.data_dir).resolve(),
        ports=default_ports(args.port),
        log_level="info",
    )
    stack.migrate()
    taken = stack.ports_in_use()
    if taken:
        print(
            f"ports already in use: {', '.join(taken)}; is another stack running? "
            "Start on other ports with: make run PORT=9000",
            file=sys.stderr,
        )
        return 1
    stack.start()
    print(f"Fazhi is up: gateway {stack.url()}/docs", flush=True)
    for service in DATA_SERVICES:
        print(f"  {service:16s} {stack.url(service)}/docs", flush=True)
    print(
        "Every call needs a token. Without a user yet, create the first administrator (the password is printed once):\n"
        f"  make user DATA_DIR={stack.data_dir} "
        "ARGS='--username admin --name 管理员 --role county_admin --region-code 421222'\n"
        f"then: curl -d grant_type=password -d username=admin -d password=... {stack.url()}/api/v1/auth/token",
        flush=True,
    )
    print("Ctrl-C stops all four.", flush=True)
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            for service, process in stack.processes.items():
                if process.poll() is not None:
                    print(
                        f"{service} exited with code {process.returncode}; stopping",
                        file=sys.stderr,
                    )
                    stopping = True
            time.sleep(0.5)
    finally:
        stack.stop()
    return 0


#: Marks a directory ``make demo`` made (and may replace the next time).
DEMO_MARKER = ".fazhi-demo"


def _demo(args: argparse.Namespace) -> int:
    from gateway.sample.tongcheng_2023 import LOADER_SCOPES, load_sample, report

    data_dir = Path(args.data_dir).resolve()
    stack = Stack(data_dir=data_dir, ports=default_ports(args.port))
    # Checked before anything is removed: a stack still running on the demo's data (as
    # the README's walk through the demo leaves one) would lose its files under it.
    taken = stack.ports_in_use()
    if taken:
        print(
            f"ports already in use: {', '.join(taken)}; is the demo's stack still "
            "running? Stop it first (its data would be replaced), or load the demo "
            "on other ports: make demo PORT=9100",
            file=sys.stderr,
        )
        return 1
    marker = data_dir / DEMO_MARKER
    if data_dir.exists() and any(data_dir.iterdir()) and not marker.exists():
        print(
            f"{data_dir} holds data that make demo did not make; the demo starts "
            "from an empty directory and replaces it: choose another --data-dir",
            file=sys.stderr,
        )
        return 1
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    marker.write_text("made by make demo: the next make demo replaces this directory\n")
    with stack.running():
        credentials = stack.create_client(
            "demo-loader", LOADER_SCOPES, region_code=args.region_code
        )
        print(
            f"loading the 通城县 2023 sample through {stack.url()} (about 2 to 3 minutes) ...",
            file=sys.stderr,
            flush=True,
        )
        started = time.monotonic()
        counts = asyncio.run(load_sample(stack.url(), credentials=credentials))
        print(
            f"<!-- loaded {counts} in {time.monotonic() - started:.0f} s through {stack.url()} -->",
            flush=True,
        )
        print(
            asyncio.run(
                report(
                    stack.url(),
                    credentials=credentials,
                    region_code=args.region_code,
                    year=args.year,
                    fmt="markdown",
                )
            )
        )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="migrate and start all four services until Ctrl-C")
    run.add_argument("--data-dir", default=str(ROOT / "var"))
    run.add_argument(
        "--port",
        type=int,
        default=8000,
        help="gateway port; the services take the next three",
    )
    demo = sub.add_parser(
        "demo",
        help="load the 通城县 2023 sample into a fresh stack and print the report",
    )
    demo.add_argument("--data-dir", default=str(ROOT / "var" / "demo"))
    demo.add_argument("--port", type=int, default=8100)
    demo.add_argument("--region-code", default="421222")
    demo.add_argument("--year", type=int, default=2023)
    args = parser.parse_args()
    return _run(args) if args.command == "run" else _demo(args)


if __name__ == "__main__":
    sys.exit(main())
