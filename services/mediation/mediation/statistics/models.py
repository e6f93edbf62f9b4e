from __future__ import annotations

from mediation.db import Base
from shared.rollups import StatisticsRollupMixin


class StatisticsRollup(StatisticsRollupMixin, Base):
    """The mediation report's counters per scope and year (shared.rollups; kept by
    mediation.statistics.rollups)."""

    __tablename__ = "statistics_rollups"
