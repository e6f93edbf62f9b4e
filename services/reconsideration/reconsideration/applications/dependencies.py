from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from reconsideration.applications.models import ReconsiderationApplication
from reconsideration.applications.schemas import ApplicationFilters
from reconsideration.applications.service import get_application
from reconsideration.db import SessionDep


async def _application(
    session: SessionDep, application_id: uuid.UUID
) -> ReconsiderationApplication:
    return await get_application(session, application_id)


ApplicationDep = Annotated[ReconsiderationApplication, Depends(_application)]
ApplicationFiltersDep = Annotated[ApplicationFilters, Query()]
