from __future__ import annotations

from typing import Annotated

from fastapi import Query

from enforcement.statistics.schemas import StatisticsQuery

StatisticsQueryDep = Annotated[StatisticsQuery, Query()]
