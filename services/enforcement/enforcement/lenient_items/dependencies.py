from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from enforcement.db import SessionDep
from enforcement.lenient_items.models import LenientEnforcementListItem
from enforcement.lenient_items.schemas import LenientItemFilters
from enforcement.lenient_items.service import get_item
from shared.auth import PrincipalDep


async def _item(
    session: SessionDep, item_id: uuid.UUID, principal: PrincipalDep
) -> LenientEnforcementListItem:
    """The item within the caller's organisation; 404 otherwise."""
    return await get_item(session, item_id, org=principal.org)


LenientItemDep = Annotated[LenientEnforcementListItem, Depends(_item)]
LenientItemFiltersDep = Annotated[LenientItemFilters, Query()]
