from __future__ import annotations

from fastapi import APIRouter, Request, Response

from gateway.reports import service
from gateway.reports.dependencies import (
    MARKDOWN_MEDIA_TYPE,
    AnnualReportQueryDep,
    ReportFormatDep,
    ReportsRead,
    UpstreamClientsDep,
)
from gateway.reports.schemas import AnnualReport, ReportFormat
from shared.errors import problem_responses

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get(
    "/annual",
    response_model=AnnualReport,
    responses={
        200: {
            "description": "The report as JSON, or as Markdown with `?format=markdown` or `Accept: text/markdown`.",
            "content": {MARKDOWN_MEDIA_TYPE: {"schema": {"type": "string"}}},
        },
        **problem_responses(),
    },
)
async def read_annual_report(
    request: Request,
    query: AnnualReportQueryDep,
    report_format: ReportFormatDep,
    clients: UpstreamClientsDep,
    principal: ReportsRead,
    response: Response,
) -> AnnualReport | Response:
    """The annual rule-of-law report (法治政府建设年度报告) figures of one county (`region_code`)
    and `year`: every figure of the reconsideration, mediation and enforcement services with
    its definition and source, asked of the three services at once.

    Each source is listed with its status (`ok`, `timeout`, `error`). When one fails the
    report still answers 200, with `partial: true` and the other sources' figures.
    """
    report = await service.build_annual_report(
        clients,
        region_code=query.region_code,
        year=query.year,
        timeout_s=request.app.state.settings.report_timeout_s,
    )
    if report_format is ReportFormat.markdown:
        return Response(
            service.render_markdown(report),
            media_type=MARKDOWN_MEDIA_TYPE,
            headers={"Vary": "Accept"},
        )
    response.headers["Vary"] = "Accept"
    return report
