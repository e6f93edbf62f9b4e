"""``python -m gateway.identity.cli``: on a database of its own, committed for real, and the
real app (lifespan and own sessions) on the same database."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from gateway.config import Settings
from gateway.identity import cli
from gateway.main import ALEMBIC_INI, create_app
from shared.settings import Environment
from shared.testing import migrate, throwaway_database
from tests.identity.helpers import basic, decode, login, token

GATEWAY_DIR = Path(__file__).resolve().parents[2]


@dataclass
class Result:
    status: int
    out: str
    err: str


@pytest.fixture
def cli_settings(tmp_path: Path) -> Iterator[Settings]:
    with throwaway_database("gateway") as url:
        migrate(ALEMBIC_INI, url)
        yield Settings(
            environment=Environment.test,
            database_url=url,
            keys_dir=tmp_path / "keys",
        )


async def run(settings: Settings, *argv: str, stdin: str = "") -> Result:
    out, err = io.StringIO(), io.StringIO()
    status = await cli.run(
        list(argv),
        settings=settings,
        stdin=io.StringIO(stdin),
        stdout=out,
        stderr=err,
    )
    return Result(status, out.getvalue(), err.getvalue())


@pytest.fixture
async def gateway(cli_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(cli_settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"
        ) as client,
    ):
        yield client


USER = (
    "create-user",
    "--username",
    "li.na",
    "--name",
    "李娜",
    "--role",
    "mediator",
    "--region-code",
    "421222",
    "--township-code",
    "421222100",
)


class TestCreateUser:
    async def test_a_generated_password_is_printed_once_and_works(
        self, cli_settings: Settings, gateway: httpx.AsyncClient
    ) -> None:
        result = await run(cli_settings, *USER)
        assert result.status == 0, result.err
        (password,) = re.findall(r"^password: (\S+)$", result.out, re.MULTILINE)
        assert result.out.count(password) == 1
        assert len(password) >= 20

        response = await login(gateway, "li.na", password)
        assert response.status_code == 200, response.text
        claims = await decode(gateway, response.json()["access_token"])
        assert claims["name"] == "李娜"
        assert claims["scope"] == "mediation:read mediation:write"
        assert claims["org"]["township_code"] == "421222100"

        listed = await run(cli_settings, "list-users")
        assert listed.status == 0
        assert "li.na\t李娜\tmediator\t421222 township=421222100\tactive" in listed.out
        assert password not in listed.out
        assert "argon2" not in listed.out

    async def test_a_password_from_stdin_is_checked_and_not_printed(
        self, cli_settings: Settings, gateway: httpx.AsyncClient
    ) -> None:
        weak = await run(cli_settings, *USER, "--password-stdin", stdin="short\n")
        assert weak.status == 2
        assert "password refused" in weak.err

        good = "Tongcheng-2023-ok"
        result = await run(cli_settings, *USER, "--password-stdin", stdin=good + "\n")
        assert result.status == 0, result.err
        assert good not in result.out
        assert (await login(gateway, "li.na", good)).status_code == 200

    async def test_a_taken_username_is_refused(self, cli_settings: Settings) -> None:
        assert (await run(cli_settings, *USER)).status == 0
        again = await run(cli_settings, *USER)
        assert again.status == 1
        assert "taken" in again.err

    @pytest.mark.parametrize(
        ("option", "value"),
        [
            ("--region-code", "42122"),
            ("--township-code", "421223100"),
            ("--committee-id", "not-a-uuid"),
        ],
    )
    async def test_an_invalid_org_is_refused(
        self, cli_settings: Settings, option: str, value: str
    ) -> None:
        argv = list(USER)
        if option in argv:
            argv[argv.index(option) + 1] = value
        else:
            argv += [option, value]
        result = await run(cli_settings, *argv)
        assert result.status == 2
        assert "invalid input" in result.err

    async def test_an_unknown_role_is_a_usage_error(
        self, cli_settings: Settings
    ) -> None:
        argv = list(USER)
        argv[argv.index("--role") + 1] = "superuser"
        assert (await run(cli_settings, *argv)).status == 2

    async def test_deactivated_users_cannot_log_in(
        self, cli_settings: Settings, gateway: httpx.AsyncClient
    ) -> None:
        result = await run(cli_settings, *USER)
        (password,) = re.findall(r"^password: (\S+)$", result.out, re.MULTILINE)
        refresh_token = (await login(gateway, "li.na", password)).json()[
            "refresh_token"
        ]

        deactivated = await run(cli_settings, "deactivate-user", "--username", "li.na")
        assert deactivated.status == 0, deactivated.err
        assert (await login(gateway, "li.na", password)).status_code == 400
        refreshed = await token(
            gateway, {"grant_type": "refresh_token", "refresh_token": refresh_token}
        )
        assert refreshed.status_code == 400
        assert "inactive" in (await run(cli_settings, "list-users")).out

    async def test_deactivating_an_unknown_user_fails(
        self, cli_settings: Settings
    ) -> None:
        result = await run(cli_settings, "deactivate-user", "--username", "nobody")
        assert result.status == 1


class TestCreateClient:
    async def test_the_client_id_and_secret_are_printed_once_and_work(
        self, cli_settings: Settings, gateway: httpx.AsyncClient
    ) -> None:
        result = await run(
            cli_settings,
            "create-client",
            "--name",
            "12345 热线",
            "--scope",
            "mediation:read",
            "--scope",
            "mediation:write",
            "--region-code",
            "421222",
        )
        assert result.status == 0, result.err
        (client_id,) = re.findall(r"^client_id: (\S+)$", result.out, re.MULTILINE)
        (secret,) = re.findall(r"^client_secret: (\S+)$", result.out, re.MULTILINE)
        assert result.out.count(secret) == 1

        response = await token(
            gateway,
            {"grant_type": "client_credentials"},
            headers=basic(client_id, secret),
        )
        assert response.status_code == 200, response.text
        assert response.json()["scope"] == "mediation:read mediation:write"

        listed = await run(cli_settings, "list-clients")
        assert client_id in listed.out
        assert secret not in listed.out

        assert (
            await run(cli_settings, "deactivate-client", "--client-id", client_id)
        ).status == 0
        response = await token(
            gateway,
            {"grant_type": "client_credentials"},
            headers=basic(client_id, secret),
        )
        assert response.status_code == 401

    async def test_an_unknown_permission_is_a_usage_error(
        self, cli_settings: Settings
    ) -> None:
        result = await run(
            cli_settings,
            "create-client",
            "--name",
            "x",
            "--scope",
            "mediation:delete",
            "--region-code",
            "421222",
        )
        assert result.status == 2


class TestUnmigratedDatabase:
    async def test_the_cli_says_to_migrate_first(self, tmp_path: Path) -> None:
        with throwaway_database("gateway") as url:
            settings = Settings(
                environment=Environment.test,
                database_url=url,
                keys_dir=tmp_path / "keys",
            )
            result = await run(settings, "list-users")
        assert result.status == 2
        assert "run make migrate first" in result.err


class TestAsAModule:
    def test_python_dash_m_runs_the_command_line(self, tmp_path: Path) -> None:
        completed = subprocess.run(
            [sys.executable, "-m", "gateway.identity.cli", "rotate-keys"],
            cwd=GATEWAY_DIR,
            env={"GATEWAY_KEYS_DIR": str(tmp_path / "keys"), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        assert completed.stdout.startswith("new signing key ")
        assert len(list((tmp_path / "keys").iterdir())) == 1
