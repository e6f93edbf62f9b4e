from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from reconsideration.collective_discussions.models import CollectiveDiscussion
from reconsideration.collective_discussions.schemas import CollectiveDiscussionFilters
from reconsideration.collective_discussions.service import get_collective_discussion
from reconsideration.db import SessionDep


async def _collective_discussion(
    session: SessionDep, discussion_id: uuid.UUID
) -> CollectiveDiscussion:
    return await get_collective_discussion(session, discussion_id)


CollectiveDiscussionDep = Annotated[
    CollectiveDiscussion, Depends(_collective_discussion)
]
CollectiveDiscussionFiltersDep = Annotated[CollectiveDiscussionFilters, Query()]
