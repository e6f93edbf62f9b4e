"""The enforcement supervision service (行政执法监督): ``create_app`` and its lifespan.

Run with ``uvicorn enforcement.main:create_app --factory``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

# Every table, and the write hooks that keep the statistics (rollups, change stamp).
from enforcement import models as _models  # noqa: F401
from enforcement.api import api_router
from enforcement.audit.models import AuditEvent
from enforcement.config import Settings
from shared.service import create_data_service_app

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_data_service_app(
        settings or Settings(),
        title="Fazhi enforcement supervision service (行政执法监督)",
        description=(
            "Enforcement agencies, officers, comprehensive enforcement teams, supervision instruments, "
            "case-file reviews, social supervisors, random inspections, lenient enforcement lists, "
            "special campaigns and judgment performance, and their statistics."
        ),
        api_router=api_router,
        alembic_ini=ALEMBIC_INI,
        audit_model=AuditEvent,
    )
