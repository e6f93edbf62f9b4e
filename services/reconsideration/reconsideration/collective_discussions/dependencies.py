from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from reconsideration.collective_discussions.models import CollectiveDiscussion
from reconsideration.collective_discussions.schemas import CollectiveDiscussionFilters
from reconsideration.collective_discussions.service import get_collective_discussion
from reconsideration.db import SessionDep
from shared.auth import PrincipalDep


async def _collective_discussion(
    session: SessionDep, principal: PrincipalDep, discussion_id: uuid.UUID
) -> CollectiveDiscussion:
    """The meeting named in the path, within the caller's organisation (else 404; a
    township-scoped caller never reaches a meeting, a county-level record)."""
    return await get_collective_discussion(session, discussion_id, org=principal.org)


CollectiveDiscussionDep = Annotated[
    CollectiveDiscussion, Depends(_collective_discussion)
]
CollectiveDiscussionFiltersDep = Annotated[CollectiveDiscussionFilters, Query()]
