from __future__ import annotations

from typing import Annotated

from fastapi import Query

from reconsideration.statistics.schemas import StatisticsQuery

StatisticsQueryDep = Annotated[StatisticsQuery, Query()]
