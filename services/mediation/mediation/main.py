"""The mediation service (人民调解): ``create_app`` and its lifespan.

Run with ``uvicorn mediation.main:create_app --factory``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

# Every table, and the write hooks that keep the statistics (rollups, change stamp).
from mediation import models as _models  # noqa: F401
from mediation.api import api_router
from mediation.audit.models import AuditEvent
from mediation.config import Settings
from shared.service import create_data_service_app

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_data_service_app(
        settings or Settings(),
        title="Fazhi mediation service (人民调解)",
        description="Committees, mediators, trainings, disputes and screening rounds of "
        "people's mediation, their statistics and the county's analysis.",
        api_router=api_router,
        alembic_ini=ALEMBIC_INI,
        audit_model=AuditEvent,
    )
