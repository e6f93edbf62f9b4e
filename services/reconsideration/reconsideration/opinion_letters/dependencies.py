from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from reconsideration.db import SessionDep
from reconsideration.opinion_letters.models import OpinionLetter
from reconsideration.opinion_letters.schemas import OpinionLetterFilters
from reconsideration.opinion_letters.service import get_opinion_letter


async def _opinion_letter(
    session: SessionDep, opinion_letter_id: uuid.UUID
) -> OpinionLetter:
    return await get_opinion_letter(session, opinion_letter_id)


OpinionLetterDep = Annotated[OpinionLetter, Depends(_opinion_letter)]
OpinionLetterFiltersDep = Annotated[OpinionLetterFilters, Query()]
