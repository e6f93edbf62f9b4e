"""The reconsideration service (行政复议 + 行政应诉): ``create_app`` and its lifespan.

Run with ``uvicorn reconsideration.main:create_app --factory``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from reconsideration.api import api_router
from reconsideration.config import Settings
from shared.db import (
    create_engine,
    database_check,
    install_database,
    install_db_problem_handlers,
)
from shared.defaults import install_service_defaults

SERVICE = "reconsideration"
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
        title="Fazhi reconsideration service (行政复议 + 行政应诉)",
        version="1.0.0",
        lifespan=lifespan,
        description=(
            "Reconsideration applications and their lifecycle, agency points, collective discussions, "
            "opinion letters, litigation cases with their hearings, and their statistics."
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
