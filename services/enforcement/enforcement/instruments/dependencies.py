from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from enforcement.db import SessionDep
from enforcement.instruments.models import SupervisionInstrument
from enforcement.instruments.schemas import InstrumentFilters
from enforcement.instruments.service import get_instrument


async def _instrument(
    session: SessionDep, instrument_id: uuid.UUID
) -> SupervisionInstrument:
    return await get_instrument(session, instrument_id)


InstrumentDep = Annotated[SupervisionInstrument, Depends(_instrument)]
InstrumentFiltersDep = Annotated[InstrumentFilters, Query()]
