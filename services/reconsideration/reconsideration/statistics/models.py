from __future__ import annotations

from reconsideration.db import Base
from shared.snapshots import ChangeStampMixin


class ChangeStamp(ChangeStampMixin, Base):
    """The stamp that changes with every write of the records the statistics read
    (shared.snapshots)."""

    __tablename__ = "change_stamps"
