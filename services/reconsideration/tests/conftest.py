from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from reconsideration.config import Settings
from reconsideration.db import get_session
from reconsideration.main import create_app
from shared import working_days
from shared.testing import (  # noqa: F401 (fixtures)
    ServiceUnderTest,
    client,
    client_with,
    committing_client,
    database_url,
    engine,
    isolated_client,
    session,
    token_issuer,
)

#: The personal-data key of the test apps (base64 of 32 bytes), so no key file is written.
TEST_PERSONAL_DATA_KEY = base64.b64encode(bytes(range(32))).decode()


def settings_for_tests(**overrides: Any) -> Settings:
    return Settings(**{"personal_data_key": TEST_PERSONAL_DATA_KEY, **overrides})


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest(
        name="reconsideration",
        alembic_ini=Path(__file__).resolve().parents[1] / "alembic.ini",
        create_app=create_app,
        settings=settings_for_tests,
        get_session=get_session,
    )


@pytest.fixture
def no_2027(monkeypatch: pytest.MonkeyPatch) -> None:
    """The package without 2027 (and later), even once a release covers it."""
    years = tuple(y for y in working_days.package_years() if y.year < 2027)
    monkeypatch.setattr(working_days, "package_years", lambda: years)
