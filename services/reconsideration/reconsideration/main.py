"""The reconsideration service (行政复议 + 行政应诉): ``create_app`` and its lifespan.

Run with ``uvicorn reconsideration.main:create_app --factory``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

# Every table, and the write hooks that keep the statistics (rollups, change stamp).
from reconsideration import models as _models  # noqa: F401
from reconsideration.api import api_router
from reconsideration.audit.models import AuditEvent
from reconsideration.config import Settings
from shared.service import create_data_service_app

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_data_service_app(
        settings or Settings(),
        title="Fazhi reconsideration service (行政复议 + 行政应诉)",
        description=(
            "Reconsideration applications and their lifecycle, agency points, collective discussions, "
            "opinion letters, litigation cases with their hearings, and their statistics."
        ),
        api_router=api_router,
        alembic_ini=ALEMBIC_INI,
        audit_model=AuditEvent,
    )
