"""Found while trying to break the statistics snapshots (shared.snapshots).

The change stamp is maintained by ``track_changes(Base, ChangeStamp, ...)``, called in
``enforcement/models.py``, which the running service never imports (only Alembic's
env.py and the tests do). In a real process no write changes the stamp (it stays 0), so
each worker keeps the first figures it computed for a (county, year) for ever. The
in-process tests import ``enforcement.models`` themselves and cannot see it; this test
runs the app in a fresh interpreter.

Reproduction on a running stack: GET /api/v1/statistics?region_code=421222&year=2023,
POST /api/v1/supervision-instruments (kind recommendation, issued 2023), GET again: same
figures, same ETag; ``SELECT stamp FROM change_stamps`` is still 0."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from shared.testing import migrate, throwaway_database

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"
KEY = "enforcement.supervision_recommendations_issued"

SCRIPT = textwrap.dedent(
    """
    import asyncio, base64, json, sys
    import httpx
    from enforcement.config import Settings
    from enforcement.main import create_app
    from shared.testing import TokenIssuer

    async def main(url):
        issuer = TokenIssuer()
        app = create_app(Settings(
            environment="test", database_url=url, jwks=json.dumps(issuer.jwks),
            personal_data_key=base64.b64encode(bytes(range(32))).decode(),
        ))
        params = {"region_code": "421222", "year": 2023}
        async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://e.test",
            headers=issuer.headers(),
        ) as client:
            async def issued():
                r = await client.get("/api/v1/statistics", params=params)
                assert r.status_code == 200, r.text
                return r.json()["figures"][sys.argv[2]]["value"]
            agency = await client.post("/api/v1/enforcement-agencies", json={
                "region_code": "421222", "name": "通城县市场监督管理局", "sector": "市场监管"})
            assert agency.status_code == 201, agency.text
            before = await issued()
            created = await client.post("/api/v1/supervision-instruments", json={
                "kind": "recommendation", "agency_id": agency.json()["id"],
                "findings": "执法程序不规范", "required_actions": "限期整改",
                "issued_on": "2023-04-01",
            })
            assert created.status_code == 201, created.text
            print(json.dumps([before, await issued()]))

    asyncio.run(main(sys.argv[1]))
    """
)


def test_a_create_changes_the_statistics_in_a_fresh_service_process() -> None:
    with throwaway_database("enforcement") as url:
        migrate(ALEMBIC_INI, url)
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, url, KEY],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ALEMBIC_INI.parent,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    before, after = (
        int(v) for v in done.stdout.strip().splitlines()[-1][1:-1].split(",")
    )
    assert (before, after) == (0, 1), (
        "the statistics did not change after a create: the change stamp is never "
        "updated in a process that did not import enforcement.models"
    )
