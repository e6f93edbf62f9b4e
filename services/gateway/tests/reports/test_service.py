"""The report's fan-out without HTTP in front: typed clients over ``httpx.MockTransport``."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import httpx

from gateway.reports.schemas import SourceStatus, UpstreamName
from gateway.reports.service import build_annual_report, render_markdown
from gateway.upstream import CLIENT_CLASSES, UpstreamClient
from tests.factories import Handler, never_answer, statistics_handler


def clients(handlers: Mapping[UpstreamName, Handler]) -> list[UpstreamClient]:
    return [
        cls(
            httpx.AsyncClient(
                base_url=f"http://{name}.test",
                transport=httpx.MockTransport(handlers[name]),
            )
        )
        for name, cls in CLIENT_CLASSES.items()
    ]


class TestBuildAnnualReport:
    async def test_the_services_are_asked_at_the_same_time(self) -> None:
        # Each answer waits until all three requests are in flight: asked one after the
        # other, the first would wait forever and time out.
        barrier = asyncio.Barrier(3)

        def concurrent(service: str) -> Handler:
            healthy = statistics_handler(service)

            async def handler(request: httpx.Request) -> httpx.Response:
                await barrier.wait()
                return await healthy(request)

            return handler

        handlers = {name: concurrent(name) for name in CLIENT_CLASSES}
        async with asyncio.timeout(5):
            report = await build_annual_report(
                clients(handlers), region_code="421222", year=2023, timeout_s=2
            )
        assert [s.status for s in report.sources] == [SourceStatus.ok] * 3
        assert report.partial is False

    async def test_a_slow_service_does_not_hold_up_the_others(self) -> None:
        handlers = {name: statistics_handler(name) for name in CLIENT_CLASSES}
        handlers[UpstreamName.reconsideration] = never_answer
        async with asyncio.timeout(0.2 + 5):
            report = await build_annual_report(
                clients(handlers), region_code="421222", year=2023, timeout_s=0.2
            )
        assert [(s.service, s.status) for s in report.sources] == [
            ("reconsideration", SourceStatus.timeout),
            ("mediation", SourceStatus.ok),
            ("enforcement", SourceStatus.ok),
        ]
        assert (
            report.sources[0].problem == "reconsideration did not answer within 0.2 s"
        )
        assert report.figures["mediation.cases_resolved"].value == 4459

    async def test_a_partial_report_renders_the_warning_first(self) -> None:
        handlers = {name: statistics_handler(name) for name in CLIENT_CLASSES}
        handlers[UpstreamName.mediation] = never_answer
        report = await build_annual_report(
            clients(handlers), region_code="421222", year=2023, timeout_s=0.1
        )
        first = render_markdown(report).splitlines()[0]
        assert first.startswith("> **注意：本报告数据不完整。**")
        assert "人民调解（mediation，超时）" in first
