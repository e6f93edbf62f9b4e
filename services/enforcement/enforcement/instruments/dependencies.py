from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from enforcement.db import SessionDep
from enforcement.instruments.models import SupervisionInstrument
from enforcement.instruments.schemas import InstrumentDueFilters, InstrumentFilters
from enforcement.instruments.service import get_instrument
from shared.auth import PrincipalDep


async def _instrument(
    session: SessionDep, instrument_id: uuid.UUID, principal: PrincipalDep
) -> SupervisionInstrument:
    """The instrument within the caller's organisation; 404 otherwise."""
    return await get_instrument(session, instrument_id, org=principal.org)


InstrumentDep = Annotated[SupervisionInstrument, Depends(_instrument)]
InstrumentFiltersDep = Annotated[InstrumentFilters, Query()]
InstrumentDueFiltersDep = Annotated[InstrumentDueFilters, Query()]
