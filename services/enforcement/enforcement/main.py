"""The enforcement supervision service (行政执法监督): ``create_app`` and its lifespan.

Run with ``uvicorn enforcement.main:create_app --factory``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from enforcement.api import api_router
from enforcement.config import Settings
from shared.db import (
    create_engine,
    database_check,
    install_database,
    install_db_problem_handlers,
)
from shared.defaults import install_service_defaults

SERVICE = "enforcement"
ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.effective_database_url)
        install_database(app.state, engine)
        try:
            yield
        finally:
            await engine.dispose()

    app = FastAPI(
        title="Fazhi enforcement supervision service (行政执法监督)",
        version="1.0.0",
        lifespan=lifespan,
        description=(
            "Enforcement agencies, officers, comprehensive enforcement teams, supervision instruments, "
            "case-file reviews, social supervisors, random inspections, lenient enforcement lists, "
            "special campaigns and judgment performance, and their statistics."
        ),
    )
    app.state.settings = settings
    app.state.cursor_secret = settings.cursor_secret.get_secret_value().encode()
    install_service_defaults(
        app, settings, service=SERVICE, checks={"database": database_check(ALEMBIC_INI)}
    )
    install_db_problem_handlers(app)
    app.include_router(api_router)
    return app
