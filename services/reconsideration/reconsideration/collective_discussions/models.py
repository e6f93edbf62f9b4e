from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from reconsideration.db import Base
from shared.db import RecordMixin


class CollectiveDiscussion(RecordMixin, Base):
    """A collective-discussion meeting (集体讨论) deciding cases (复议法 Art. 61); the report counts meetings."""

    __tablename__ = "collective_discussions"

    region_code: Mapped[str] = mapped_column(String(6), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    chair: Mapped[str] = mapped_column(String(200))
    #: Ids (as strings) of the applications discussed; may be empty.
    application_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
