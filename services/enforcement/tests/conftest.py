from __future__ import annotations

import base64
from functools import partial
from pathlib import Path

import pytest
from pydantic import SecretStr

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

#: The personal-data key of every test app (no key file is written under var/).
PERSONAL_DATA_KEY = base64.b64encode(bytes(range(32))).decode()


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest(
        name="enforcement",
        alembic_ini=Path(__file__).resolve().parents[1] / "alembic.ini",
        create_app=create_app,
        settings=partial(Settings, personal_data_key=SecretStr(PERSONAL_DATA_KEY)),
        get_session=get_session,
    )
