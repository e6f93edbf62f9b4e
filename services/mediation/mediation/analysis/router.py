from __future__ import annotations

from fastapi import APIRouter

from mediation.analysis import service
from mediation.analysis.dependencies import AnalysisQueryDep
from mediation.analysis.schemas import Analysis
from mediation.db import SessionDep
from shared.errors import problem_responses
from shared.routing import ServiceRoute

router = APIRouter(prefix="/analysis", tags=["analysis"], route_class=ServiceRoute)


@router.get("", response_model=Analysis, responses=problem_responses())
async def read_analysis(session: SessionDep, query: AnalysisQueryDep) -> Analysis:
    """The county's disputes registered from `start` to `end` (at most 3 years; 422 naming
    `end` otherwise), for county-level callers of that county only (403 otherwise):

    - `totals` and `breakdowns` by `dispute_type`, `township`, `committee`, `source` and
      `month`: count, resolved and failed by `end`, the resolution rate (resolved ÷ count)
      and the median calendar days from registration to resolution;
    - `rates`: the agreement performance rate (agreements whose latest follow-up, 回访,
      found them performed ÷ agreements; 人民调解法 Art. 31) and the judicial confirmation
      rate (confirmed ÷ agreements; variant `.over_applied`: ÷ applications; Art. 33);
    - `rising`: the (township, type) pairs whose disputes in the `rising_window_days` (30)
      days ending on `as_of` (default `end`) number at least max(`rising_min_count` (3),
      `rising_factor` (2) × their mean monthly count over the `rising_baseline_months`
      (12) calendar months before the window's first month). The rule with its dates is
      in `rising.rule`.

    Rates have the shape of the statistics' rates (numerator, denominator, value,
    display with one decimal)."""
    return await service.analyse(session, query=query)
