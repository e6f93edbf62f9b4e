"""Found while trying to break the statistics snapshots (shared.snapshots).

The change stamp is maintained by ``track_changes(Base, ChangeStamp, ...)``, called in
``reconsideration/models.py``. The running service never imports that module (nothing
under ``reconsideration.main``'s imports does; only Alembic's env.py and the tests'
factories do), so in a real process no write ever changes the stamp: it stays at the
migration's 0, and each worker keeps the first figures it computed for a (county, year)
for ever, answering them (and 304 to their ETag) after any number of creates and
commands. In-process tests cannot see it, because the test modules import
``reconsideration.models`` themselves; this test runs the app in a fresh interpreter.

Reproduction on a running stack: GET /api/v1/statistics?region_code=421222&year=2023,
POST /api/v1/applications (received 2023), GET again: the same figures and the same
ETag; ``SELECT stamp FROM change_stamps`` is still 0."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from shared.testing import migrate, throwaway_database

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"

SCRIPT = textwrap.dedent(
    """
    import asyncio, base64, json, sys
    import httpx
    from reconsideration.config import Settings
    from reconsideration.main import create_app
    from shared.testing import TokenIssuer

    async def main(url):
        issuer = TokenIssuer()
        app = create_app(Settings(
            environment="test", database_url=url, jwks=json.dumps(issuer.jwks),
            personal_data_key=base64.b64encode(bytes(range(32))).decode(),
        ))
        params = {"region_code": "421222", "year": 2023}
        async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://r.test",
            headers=issuer.headers(),
        ) as client:
            async def received():
                r = await client.get("/api/v1/statistics", params=params)
                assert r.status_code == 200, r.text
                return r.json()["figures"]["reconsideration.applications_received"]["value"]
            before = await received()
            created = await client.post("/api/v1/applications", json={
                "region_code": "421222", "received_on": "2023-03-01",
                "receipt_channel": "in_person", "applicant_name": "张某",
                "applicant_kind": "person", "respondent": "县市场监督管理局",
                "matter_type": "penalty",
            })
            assert created.status_code == 201, created.text
            print(json.dumps([before, await received()]))

    asyncio.run(main(sys.argv[1]))
    """
)


def test_a_create_changes_the_statistics_in_a_fresh_service_process() -> None:
    with throwaway_database("reconsideration") as url:
        migrate(ALEMBIC_INI, url)
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, url],
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
        "updated in a process that did not import reconsideration.models"
    )
