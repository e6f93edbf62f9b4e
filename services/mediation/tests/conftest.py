from __future__ import annotations

from pathlib import Path

import pytest

from mediation.config import Settings
from mediation.db import get_session
from mediation.main import create_app
from shared.testing import (  # noqa: F401 (fixtures)
    ServiceUnderTest,
    client,
    client_with,
    committing_client,
    database_url,
    engine,
    isolated_client,
    session,
)


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest(
        name="mediation",
        alembic_ini=Path(__file__).resolve().parents[1] / "alembic.ini",
        create_app=create_app,
        settings=Settings,
        get_session=get_session,
    )
