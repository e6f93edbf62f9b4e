"""Administer the gateway's identities and signing keys from the command line.

    python -m gateway.identity.cli create-user --username zhang.wei --name 张伟 \\
        --role mediation_officer --region-code 421222 [--township-code 421222100] \\
        [--committee-id UUID] [--agency-id UUID] [--password-stdin]
    python -m gateway.identity.cli create-client --name "12345 hotline" \\
        --scope mediation:read --scope mediation:write --region-code 421222
    python -m gateway.identity.cli list-users
    python -m gateway.identity.cli deactivate-user --username zhang.wei
    python -m gateway.identity.cli list-clients
    python -m gateway.identity.cli deactivate-client --client-id fazhi-...
    python -m gateway.identity.cli rotate-keys

It uses the gateway's settings (``GATEWAY_*``: the same database and ``keys_dir``) and
migrates nothing: run ``make migrate`` first. A generated password or client secret is
printed once and stored only as a hash. Exit status 0 on success, 1 on a refused
request, 2 on bad usage or a database that is not migrated.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from typing import TextIO

from pydantic import SecretStr, ValidationError
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from gateway.config import Settings
from gateway.identity import keys, service
from gateway.identity.schemas import (
    PERMISSIONS,
    ClientCreate,
    OrgCreate,
    UserCreate,
    password_problem,
)
from shared.auth import Role
from shared.db import create_engine, create_sessionmaker, utcnow
from shared.errors import ProblemError

_TABLES = ("users", "oauth_clients", "refresh_tokens", "login_failures")


class _Usage(Exception):
    """A problem the user must fix; printed without a traceback."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m gateway.identity.cli",
        description="Users, clients and signing keys of the Fazhi gateway (run make migrate first).",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def org_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--region-code",
            required=True,
            help="county (6 digits); a province (PP0000) or 000000 for a caller of the"
            " statistics and reports of every county in it",
        )
        command.add_argument("--township-code", help="township, 9 digits")
        command.add_argument("--committee-id", help="mediation committee UUID")
        command.add_argument("--agency-id", help="enforcement agency UUID")

    user = commands.add_parser("create-user", help="add a staff user")
    user.add_argument("--username", required=True)
    user.add_argument("--name", required=True, help="display name")
    user.add_argument(
        "--role",
        action="append",
        required=True,
        choices=[r.value for r in Role if r is not Role.integration_client],
        help="repeat for several roles",
    )
    org_options(user)
    user.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin (else one is generated and printed once)",
    )

    client = commands.add_parser("create-client", help="register an integrating system")
    client.add_argument("--name", required=True)
    client.add_argument(
        "--scope",
        action="append",
        required=True,
        choices=sorted(PERMISSIONS),
        help="repeat for several permissions",
    )
    org_options(client)

    commands.add_parser("list-users", help="every user, without secrets")
    deactivate = commands.add_parser(
        "deactivate-user",
        help="refuse the user's logins and revoke their refresh tokens",
    )
    deactivate.add_argument("--username", required=True)
    commands.add_parser("list-clients", help="every client, without secrets")
    deactivate_client = commands.add_parser(
        "deactivate-client",
        help="refuse the client's authentication and revoke its refresh tokens",
    )
    deactivate_client.add_argument("--client-id", required=True)
    commands.add_parser(
        "rotate-keys",
        help="add a signing key (it signs from now on) and delete keys no longer published",
    )
    return parser


def _org(args: argparse.Namespace) -> dict[str, str | None]:
    return {
        "region_code": args.region_code,
        "township_code": args.township_code,
        "committee_id": args.committee_id,
        "agency_id": args.agency_id,
    }


def _invalid(exc: ValidationError) -> _Usage:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'input'}: {e['msg']}"
        for e in exc.errors()
    )
    return _Usage(f"invalid input: {problems}")


def _org_text(org: OrgCreate) -> str:
    parts = [org.region_code]
    parts += [
        f"{name}={value}"
        for name, value in (
            ("township", org.township_code),
            ("committee", org.committee_id),
            ("agency", org.agency_id),
        )
        if value is not None
    ]
    return " ".join(parts)


async def _check_migrated(engine: AsyncEngine) -> None:
    def missing(connection: Connection) -> list[str]:
        present = set(inspect(connection).get_table_names())
        return [t for t in _TABLES if t not in present]

    async with engine.connect() as connection:
        absent = await connection.run_sync(missing)
    if absent:
        raise _Usage(
            f"the gateway database has no {', '.join(absent)} table: run make migrate first"
        )


async def _create_user(
    session: AsyncSession, args: argparse.Namespace, stdin: TextIO, out: TextIO
) -> None:
    generated = not args.password_stdin
    if generated:
        password = service.generate_password()
    else:
        password = stdin.readline().rstrip("\r\n")
        problem = password_problem(password)
        if problem:
            raise _Usage(f"password refused: {problem}")
    try:
        payload = UserCreate(
            username=args.username,
            display_name=args.name,
            roles=args.role,
            org=OrgCreate.model_validate(_org(args)),
            password=SecretStr(password),
        )
    except ValidationError as exc:
        raise _invalid(exc) from exc
    user = await service.create_user(session, payload=payload)
    await session.commit()
    out.write(f"created user {user.username} ({user.id})\n")
    if generated:
        out.write(f"password: {password}\n")
        out.write("The password is shown only this once; hand it over securely.\n")


async def _create_client(
    session: AsyncSession, args: argparse.Namespace, out: TextIO
) -> None:
    try:
        payload = ClientCreate(
            name=args.name,
            scopes=args.scope,
            org=OrgCreate.model_validate(_org(args)),
        )
    except ValidationError as exc:
        raise _invalid(exc) from exc
    client, secret = await service.create_client(session, payload=payload)
    await session.commit()
    out.write(f"created client {client.name} ({client.id})\n")
    out.write(f"client_id: {client.client_id}\n")
    out.write(f"client_secret: {secret}\n")
    out.write("The secret is shown only this once; hand it over securely.\n")


async def _list_users(session: AsyncSession, out: TextIO) -> None:
    for user in await service.list_users(session):
        org = OrgCreate.model_validate(user, from_attributes=True)
        out.write(
            "\t".join(
                (
                    user.username,
                    user.display_name,
                    ",".join(user.roles),
                    _org_text(org),
                    "active" if user.active else "inactive",
                )
            )
            + "\n"
        )


async def _list_clients(session: AsyncSession, out: TextIO) -> None:
    for client in await service.list_clients(session):
        org = OrgCreate.model_validate(client, from_attributes=True)
        out.write(
            "\t".join(
                (
                    client.client_id,
                    client.name,
                    " ".join(client.scopes),
                    _org_text(org),
                    "active" if client.active else "inactive",
                )
            )
            + "\n"
        )


def _rotate_keys(settings: Settings, out: TextIO) -> None:
    key, deleted = keys.rotate_keys(
        settings.effective_keys_dir, publication_s=settings.key_publication_s
    )
    out.write(f"new signing key {key.kid} ({key.path.name})\n")
    for old in deleted:
        out.write(f"deleted retired key {old.kid} ({old.path.name})\n")
    published = keys.load_keys(
        settings.effective_keys_dir, publication_s=settings.key_publication_s
    ).published()
    out.write(f"published: {' '.join(k.kid for k in published)}\n")
    out.write(
        f"Running gateways sign with the new key within {settings.keys_reload_s:g} s.\n"
    )


async def run(
    argv: Sequence[str] | None = None,
    *,
    settings: Settings | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run one command; returns the exit status."""
    stdin, out, err = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    settings = settings or Settings()
    try:
        if args.command == "rotate-keys":
            await asyncio.to_thread(_rotate_keys, settings, out)
            return 0
        engine = create_engine(settings.effective_database_url)
        try:
            await _check_migrated(engine)
            async with create_sessionmaker(engine)() as session:
                if args.command == "create-user":
                    await _create_user(session, args, stdin, out)
                elif args.command == "create-client":
                    await _create_client(session, args, out)
                elif args.command == "list-users":
                    await _list_users(session, out)
                elif args.command == "list-clients":
                    await _list_clients(session, out)
                elif args.command == "deactivate-user":
                    user = await service.deactivate_user(
                        session, username=args.username, now=utcnow()
                    )
                    await session.commit()
                    out.write(f"deactivated user {user.username}\n")
                elif args.command == "deactivate-client":
                    client = await service.deactivate_client(
                        session, client_id=args.client_id, now=utcnow()
                    )
                    await session.commit()
                    out.write(f"deactivated client {client.client_id}\n")
        finally:
            await engine.dispose()
    except _Usage as exc:
        err.write(f"error: {exc}\n")
        return 2
    except ProblemError as exc:
        err.write(f"error: {exc.detail or exc.title}\n")
        return 1
    return 0


def main() -> None:
    sys.exit(asyncio.run(run()))


if __name__ == "__main__":
    main()
