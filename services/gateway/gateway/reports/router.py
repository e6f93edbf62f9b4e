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
from shared.auth import Forbidden, Unauthorized, region_covers
from shared.errors import problem_responses
from shared.guard import UnknownQueryParameter

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get(
    "/annual",
    response_model=AnnualReport,
    responses={
        200: {
            "description": "The report as JSON, or as Markdown with `?format=markdown` or `Accept: text/markdown`.",
            "content": {MARKDOWN_MEDIA_TYPE: {"schema": {"type": "string"}}},
        },
        **problem_responses(Unauthorized, Forbidden, UnknownQueryParameter),
    },
)
async def read_annual_report(
    principal: ReportsRead,
    request: Request,
    query: AnnualReportQueryDep,
    report_format: ReportFormatDep,
    clients: UpstreamClientsDep,
    response: Response,
) -> AnnualReport | Response:
    """The annual rule-of-law report (法治政府建设年度报告) figures of one county (`region_code`)
    and `year`: every figure of the reconsideration, mediation and enforcement services with
    its definition and source, asked of the three services at once.

    Each source is listed with its status (`ok`, `timeout`, `error`) and, when it failed, a
    `problem`. When one fails the report still answers 200, with `partial: true` and the
    other sources' figures. The report answers within its deadline (setting
    `report_timeout_s`, 1.5 s by default): a source that has not answered by then is a
    `timeout`; a service whose circuit breaker is open is not asked (`error`).

    Needs a bearer token with `reports:read` of a county-level caller of that county (403
    otherwise); it is forwarded to the services, which check it too (a service refusing it is
    reported as a failed source).
    """
    org = principal.org
    if org.township_code or org.committee_id or org.agency_id:
        raise Forbidden("The annual report is for county-level callers")
    if not region_covers(org.region_code, query.region_code):
        raise Forbidden("The report of another county is not yours to read")
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
