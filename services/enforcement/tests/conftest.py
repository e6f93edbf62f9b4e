from __future__ import annotations

from pathlib import Path

import pytest

from enforcement.config import Settings
from enforcement.db import get_session
from enforcement.main import create_app
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
        name="enforcement",
        alembic_ini=Path(__file__).resolve().parents[1] / "alembic.ini",
        create_app=create_app,
        settings=Settings,
        get_session=get_session,
    )
