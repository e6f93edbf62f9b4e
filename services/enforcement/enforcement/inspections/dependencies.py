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


async def _item(session: SessionDep, item_id: uuid.UUID) -> InspectionItem:
    return await get_item(session, item_id)


async def _inspection(
    session: SessionDep, inspection_id: uuid.UUID
) -> RandomInspection:
    return await get_inspection(session, inspection_id)


InspectionItemDep = Annotated[InspectionItem, Depends(_item)]
InspectionItemFiltersDep = Annotated[InspectionItemFilters, Query()]
RandomInspectionDep = Annotated[RandomInspection, Depends(_inspection)]
RandomInspectionFiltersDep = Annotated[RandomInspectionFilters, Query()]
