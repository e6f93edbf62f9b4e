from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from enforcement.db import SessionDep
from enforcement.inspections.models import InspectionItem, RandomInspection
from enforcement.inspections.schemas import (
    InspectionItemFilters,
    RandomInspectionFilters,
)
from enforcement.inspections.service import get_inspection, get_item
from shared.auth import PrincipalDep


async def _item(
    session: SessionDep, item_id: uuid.UUID, principal: PrincipalDep
) -> InspectionItem:
    """The item within the caller's organisation; 404 otherwise."""
    return await get_item(session, item_id, org=principal.org)


async def _inspection(
    session: SessionDep, inspection_id: uuid.UUID, principal: PrincipalDep
) -> RandomInspection:
    """The inspection within the caller's organisation (for an agency's staff: one
    their agency leads or takes part in); 404 otherwise."""
    return await get_inspection(session, inspection_id, org=principal.org)


InspectionItemDep = Annotated[InspectionItem, Depends(_item)]
InspectionItemFiltersDep = Annotated[InspectionItemFilters, Query()]
RandomInspectionDep = Annotated[RandomInspection, Depends(_inspection)]
RandomInspectionFiltersDep = Annotated[RandomInspectionFilters, Query()]
