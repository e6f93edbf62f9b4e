from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from gateway.reports.schemas import AnnualReportQuery, ReportFormat
from gateway.upstream import UpstreamClient, upstreams_of
from shared.auth import Principal, require

MARKDOWN_MEDIA_TYPE = "text/markdown"


async def _upstream_clients(request: Request) -> list[UpstreamClient]:
    """A typed client per service, forwarding this caller's bearer token."""
    return upstreams_of(request).clients(
        authorization=request.headers.get("authorization")
    )


def _accepted(accept: str, media_type: str) -> float:
    """The q-value ``accept`` gives exactly ``media_type`` (0 when it is not listed)."""
    for item in accept.split(","):
        kind, *params = (p.strip() for p in item.split(";"))
        if kind.lower() != media_type:
            continue
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    return float(value)
                except ValueError:
                    return 0.0
        return 1.0
    return 0.0


async def _report_format(
    request: Request,
    format_: Annotated[
        ReportFormat | None,
        Query(
            alias="format",
            description="`markdown` renders the report as Chinese Markdown; default JSON, or what `Accept` asks for.",
        ),
    ] = None,
) -> ReportFormat:
    """``?format=`` when given, else Markdown when ``Accept`` prefers ``text/markdown`` to JSON."""
    if format_ is not None:
        return format_
    accept = request.headers.get("accept", "")
    markdown = _accepted(accept, MARKDOWN_MEDIA_TYPE)
    if markdown > 0 and markdown >= _accepted(accept, "application/json"):
        return ReportFormat.markdown
    return ReportFormat.json


UpstreamClientsDep = Annotated[list[UpstreamClient], Depends(_upstream_clients)]
AnnualReportQueryDep = Annotated[AnnualReportQuery, Query()]
ReportFormatDep = Annotated[ReportFormat, Depends(_report_format)]
# The gateway checks the token itself (against its own keys) before fanning out; each
# service checks it again.
ReportsRead = Annotated[Principal, Depends(require("reports:read"))]
