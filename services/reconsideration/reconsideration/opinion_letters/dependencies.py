from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from reconsideration.db import SessionDep
from reconsideration.opinion_letters.models import OpinionLetter
from reconsideration.opinion_letters.schemas import OpinionLetterFilters
from reconsideration.opinion_letters.service import get_opinion_letter
from shared.auth import PrincipalDep


async def _opinion_letter(
    session: SessionDep, principal: PrincipalDep, opinion_letter_id: uuid.UUID
) -> OpinionLetter:
    """The letter named in the path, within the caller's organisation (else 404; a
    township-scoped caller never reaches a letter, a county-level record)."""
    return await get_opinion_letter(session, opinion_letter_id, org=principal.org)


OpinionLetterDep = Annotated[OpinionLetter, Depends(_opinion_letter)]
OpinionLetterFiltersDep = Annotated[OpinionLetterFilters, Query()]
