from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from reconsideration.applications.models import ReconsiderationApplication
from reconsideration.applications.schemas import ApplicationFilters
from reconsideration.applications.service import get_application
from reconsideration.db import SessionDep
from shared.auth import PrincipalDep


async def _application(
    session: SessionDep, principal: PrincipalDep, application_id: uuid.UUID
) -> ReconsiderationApplication:
    """The application named in the path, within the caller's organisation (else 404)."""
    return await get_application(session, application_id, org=principal.org)


ApplicationDep = Annotated[ReconsiderationApplication, Depends(_application)]
ApplicationFiltersDep = Annotated[ApplicationFilters, Query()]
