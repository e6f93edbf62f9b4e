from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.factories import (
    FIGURES,
    FakeService,
    answer,
    bearer,
    never_answer,
    refuse_connection,
    statistics_payload,
)

PROBLEM = "application/problem+json"
URL = "/api/v1/reports/annual"
QUERY: dict[str, Any] = {"region_code": "421222", "year": 2023}
ALL_OK = [
    {"service": "reconsideration", "status": "ok"},
    {"service": "mediation", "status": "ok"},
    {"service": "enforcement", "status": "ok"},
]


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A caller whose every request carries a valid token with ``reports:read``
    (tests/reports/test_auth.py covers the others)."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://gateway.test",
        headers=await bearer(app),
    ) as c:
        yield c


async def report(client: httpx.AsyncClient, **params: str) -> dict[str, Any]:
    response = await client.get(URL, params={**QUERY, **params})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


class TestAnnualReport:
    async def test_every_figure_of_every_source_is_passed_through(
        self, client: httpx.AsyncClient
    ) -> None:
        body = await report(client)
        assert body["region_code"] == "421222"
        assert body["region_name"] == "通城县"
        assert body["year"] == 2023
        assert body["partial"] is False
        assert body["sources"] == ALL_OK
        expected_keys = [key for figures in FIGURES.values() for key in figures]
        assert list(body["figures"]) == expected_keys
        for service in FIGURES:
            upstream = statistics_payload(service)["figures"]
            for key, sent in upstream.items():
                got = body["figures"][key]
                assert got["source"] == service
                assert got["kind"] == sent["kind"]
                assert got["value"] == sent["value"]
                assert got["definition"] == f"What {key} counts."
                assert got["formula"] == f"{key}/v1"
        assert body["breakdowns"]["mediation"] == {
            "cases_mediated.by_township": {"421222100": 4000, "421222101": 561}
        }

    async def test_figures_keep_their_kind_specific_fields(
        self, client: httpx.AsyncClient
    ) -> None:
        figures = (await report(client))["figures"]
        assert figures["mediation.cases_mediated"] == {
            "value": 4561,
            "kind": "count",
            "definition": "What mediation.cases_mediated counts.",
            "formula": "mediation.cases_mediated/v1",
            "source": "mediation",
        }
        # 4459 / 4561 = 0.97763648...: six decimals half-up, one in the display.
        assert figures["mediation.resolution_rate"] == {
            "value": "0.977636",
            "kind": "rate",
            "numerator": 4459,
            "denominator": 4561,
            "display": "97.8%",
            "precision": 1,
            "definition": "What mediation.resolution_rate counts.",
            "formula": "mediation.resolution_rate/v1",
            "source": "mediation",
        }
        assert figures["mediation.remote_video_cost_saved"] == {
            "value": "553680.00",
            "kind": "money",
            "unit": "CNY",
            "definition": "What mediation.remote_video_cost_saved counts.",
            "formula": "mediation.remote_video_cost_saved/v1",
            "source": "mediation",
        }
        # 34 / 46 = 73.9...% shown without decimals.
        assert figures["enforcement.joint_share"]["display"] == "74%"
        assert figures["enforcement.joint_share"]["value"] == "0.739130"

    async def test_each_service_is_asked_once_with_the_callers_token_and_request_id(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        response = await client.get(
            URL, params=QUERY, headers={"X-Request-ID": "req-0001-abcd"}
        )
        assert response.status_code == 200
        assert response.headers["x-request-id"] == "req-0001-abcd"
        for fake in upstreams.values():
            assert len(fake.requests) == 1
            sent = fake.last
            assert sent.method == "GET"
            assert sent.url.path == "/api/v1/statistics"
            assert dict(sent.url.params) == {"region_code": "421222", "year": "2023"}
            assert sent.headers["authorization"] == client.headers["authorization"]
            assert sent.headers["x-request-id"] == "req-0001-abcd"

    async def test_a_service_that_cannot_be_reached_makes_the_report_partial(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        upstreams["mediation"].handler = refuse_connection
        body = await report(client)
        assert body["partial"] is True
        assert body["sources"] == [
            {"service": "reconsideration", "status": "ok"},
            {
                "service": "mediation",
                "status": "error",
                "problem": "mediation is not reachable",
            },
            {"service": "enforcement", "status": "ok"},
        ]
        assert not [k for k in body["figures"] if k.startswith("mediation.")]
        assert body["figures"]["reconsideration.applications_received"]["value"] == 62
        assert body["figures"]["enforcement.random_inspections"]["value"] == 46
        assert "mediation" not in body["breakdowns"]

    async def test_a_service_answering_5xx_is_an_error_source(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        upstreams["enforcement"].handler = answer(500, json={"title": "Internal error"})
        body = await report(client)
        assert body["partial"] is True
        assert body["sources"][2] == {
            "service": "enforcement",
            "status": "error",
            "problem": "enforcement answered 500",
        }
        assert len(body["figures"]) == len(FIGURES["reconsideration"]) + len(
            FIGURES["mediation"]
        )

    @pytest.mark.parametrize(
        "payload",
        [
            {"figures": "not a statistics payload"},
            statistics_payload("reconsideration", year=2022),
            statistics_payload("reconsideration", region_code="421223"),
            statistics_payload("mediation"),
        ],
        ids=["garbage", "other-year", "other-county", "other-service"],
    )
    async def test_a_payload_that_does_not_answer_the_question_is_an_error_source(
        self,
        client: httpx.AsyncClient,
        upstreams: dict[str, FakeService],
        payload: dict[str, Any],
    ) -> None:
        upstreams["reconsideration"].handler = answer(200, json=payload)
        body = await report(client)
        assert body["partial"] is True
        assert body["sources"][0]["status"] == "error"
        assert body["sources"][0]["problem"].startswith("reconsideration answered")
        assert not [
            k
            for k in body["figures"]
            if body["figures"][k]["source"] == "reconsideration"
        ]

    async def test_a_slow_service_times_out_and_the_report_answers_within_the_budget(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        upstreams["enforcement"].handler = never_answer
        # report_timeout_s is 0.5 s (conftest); allow a generous margin, not a speed test.
        async with asyncio.timeout(0.5 + 5):
            body = await report(client)
        assert body["partial"] is True
        assert body["sources"][2] == {
            "service": "enforcement",
            "status": "timeout",
            "problem": "enforcement did not answer within 0.5 s",
        }
        assert body["figures"]["mediation.cases_mediated"]["value"] == 4561
        assert body["figures"]["litigation.cases"]["value"] == 23
        assert not [k for k in body["figures"] if k.startswith("enforcement.")]

    async def test_an_upstream_read_timeout_is_a_timeout_source(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        async def read_timeout(request: httpx.Request) -> httpx.Response:
            raise httpx.ReadTimeout("timed out", request=request)

        upstreams["mediation"].handler = read_timeout
        body = await report(client)
        assert body["sources"][1]["status"] == "timeout"
        assert body["partial"] is True

    async def test_an_unexpected_failure_of_one_source_still_answers(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        async def crash(request: httpx.Request) -> httpx.Response:
            raise RuntimeError("bug in a transport")

        upstreams["reconsideration"].handler = crash
        body = await report(client)
        assert body["partial"] is True
        assert body["sources"][0] == {
            "service": "reconsideration",
            "status": "error",
            "problem": "reconsideration could not be read",
        }
        assert body["figures"]["mediation.trainings"]["value"] == 16

    async def test_every_source_down_still_answers_an_explicitly_empty_report(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        for fake in upstreams.values():
            fake.handler = refuse_connection
        body = await report(client)
        assert body["partial"] is True
        assert [s["status"] for s in body["sources"]] == ["error", "error", "error"]
        assert body["figures"] == {}

    async def test_a_figure_of_an_unknown_kind_is_skipped(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        payload = statistics_payload("mediation")
        payload["figures"]["mediation.average_days"] = {
            "kind": "duration",
            "value": "P12D",
            "definition": {"formula": "mediation.average_days/v1", "text": "Days."},
        }
        payload["new_top_level_field"] = True
        upstreams["mediation"].handler = answer(200, json=payload)
        body = await report(client)
        assert body["partial"] is False
        assert "mediation.average_days" not in body["figures"]
        assert body["figures"]["mediation.trainings"]["value"] == 16

    async def test_a_county_without_a_known_name_is_shown_by_its_code(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        # A provincial reader (no county in its org) may read any county's report.
        client.headers.update(await bearer(app, org={}))
        body = await report(client, region_code="421223")
        assert body["region_code"] == "421223"
        assert body["region_name"] is None


class TestAnnualReportValidation:
    @pytest.mark.parametrize(
        "region_code",
        # Not six digits; a province, a prefecture, the country, an unknown province:
        # the annual report is a county's.
        [
            "42122",
            "4212222",
            "abcdef",
            "４２１２２２",
            "420000",
            "421200",
            "000000",
            "991222",
        ],
    )
    async def test_region_code_must_be_six_digits(
        self,
        client: httpx.AsyncClient,
        upstreams: dict[str, FakeService],
        region_code: str,
    ) -> None:
        response = await client.get(
            URL, params={"region_code": region_code, "year": 2023}
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert [e["field"] for e in response.json()["errors"]] == ["region_code"]
        assert all(not fake.requests for fake in upstreams.values())

    @pytest.mark.parametrize("year", ["1948", "2101", "twenty"])
    async def test_year_must_be_between_1949_and_2100(
        self, client: httpx.AsyncClient, year: str
    ) -> None:
        response = await client.get(URL, params={"region_code": "421222", "year": year})
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert [e["field"] for e in response.json()["errors"]] == ["year"]

    async def test_region_code_and_year_are_required(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get(URL)
        assert response.status_code == 422
        assert sorted(e["field"] for e in response.json()["errors"]) == [
            "region_code",
            "year",
        ]

    async def test_unknown_format_is_422(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL, params={**QUERY, "format": "pdf"})
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["format"]


SEED_LINES = [
    "- 收到行政复议申请62件，不予受理11件，已审结50件",
    "- 在11个乡镇设立行政复议代办点",
    "- 集体讨论会议10次",
    "- 办理行政诉讼案件23件（次），已审结17件（次），6件尚在审理中",
    "- 行政机关负责人出庭应诉率100%",
    "- 共调解矛盾纠纷4561件，成功化解4459件，化解率97.8%",
    "- 开展远程视频调解118次，为当事人节约误工费及交通费553680.00元",
    "- 组织调解员培训16场",
    "- 招聘专职调解员12名",
    "- 下发《行政执法监督检查建议书》14份，已整改14份",
    "- 选聘涉企行政执法社会监督员5名",
    "- 增加免予处罚事项15项，不予处罚事项3项，从轻、减轻处罚事项39项",
    "- 开展“双随机、一公开”监管46次，其中部门联合监管34次，占比74%，抽查事项覆盖率100%",
    "- 组织112名新增执法人员进行法律学习",
    "- 专项整治发现问题线索5条，已整改5条",
    "- 整改行政机关未履行法院生效判决案件3件",
    "- 组建综合执法队伍5支",
]


class TestAnnualReportMarkdown:
    async def markdown(self, client: httpx.AsyncClient, **kwargs: Any) -> str:
        response = await client.get(URL, **kwargs)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "text/markdown; charset=utf-8"
        return response.text

    async def test_markdown_has_the_seed_reports_lines(
        self, client: httpx.AsyncClient
    ) -> None:
        text = await self.markdown(client, params={**QUERY, "format": "markdown"})
        lines = text.splitlines()
        assert lines[0] == "# 通城县 2023年度法治政府建设统计"
        for line in SEED_LINES:
            assert line in lines
        sections = [line for line in lines if line.startswith("## ")]
        assert sections == [
            "## (一) 行政复议与行政应诉",
            "## (二) 人民调解",
            "## (三) 行政执法监督",
            "## 附：统计指标",
        ]
        # Each line sits in its own service's section.
        assert (
            lines.index("## (二) 人民调解")
            < lines.index(SEED_LINES[5])
            < lines.index("## (三) 行政执法监督")
        )
        assert "数据暂缺" not in text

    async def test_accept_text_markdown_selects_markdown(
        self, client: httpx.AsyncClient
    ) -> None:
        text = await self.markdown(
            client,
            params=QUERY,
            headers={"Accept": "text/markdown, application/json;q=0.5"},
        )
        assert text.startswith("# 通城县 2023年度法治政府建设统计")

    async def test_json_stays_the_default_when_accept_prefers_it(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get(
            URL,
            params=QUERY,
            headers={"Accept": "application/json, text/markdown;q=0.1"},
        )
        assert response.headers["content-type"] == "application/json"
        assert response.headers["vary"] == "Accept"

    async def test_appendix_lists_every_figure_with_its_definition_and_source(
        self, client: httpx.AsyncClient
    ) -> None:
        text = await self.markdown(client, params={**QUERY, "format": "markdown"})
        lines = text.splitlines()
        assert "| key | 数值 | 定义 | 来源 |" in lines
        rows = [line for line in lines if line.startswith("| `")]
        assert len(rows) == sum(len(f) for f in FIGURES.values())
        assert (
            "| `mediation.resolution_rate` | 97.8%（4459/4561） | "
            "What mediation.resolution_rate counts.（`mediation.resolution_rate/v1`） | mediation |"
        ) in lines
        assert (
            "| `mediation.remote_video_cost_saved` | 553680.00 元 | "
            "What mediation.remote_video_cost_saved counts.（`mediation.remote_video_cost_saved/v1`） | mediation |"
        ) in lines
        assert (
            "| `litigation.cases` | 23 | What litigation.cases counts.（`litigation.cases/v1`） | reconsideration |"
        ) in lines

    async def test_a_partial_report_says_so_first_and_marks_the_missing_lines(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        upstreams["enforcement"].handler = never_answer
        upstreams["reconsideration"].handler = refuse_connection
        text = await self.markdown(client, params={**QUERY, "format": "markdown"})
        lines = text.splitlines()
        assert lines[0] == (
            "> **注意：本报告数据不完整。** 以下数据来源不可用："
            "行政复议与行政应诉（reconsideration，出错）、行政执法监督（enforcement，超时）。"
        )
        assert lines[2] == "# 通城县 2023年度法治政府建设统计"
        assert lines.count("- （数据暂缺：reconsideration 不可用）") == 5
        assert lines.count("- （数据暂缺：enforcement 不可用）") == 9
        for line in SEED_LINES[5:9]:
            assert line in lines
        assert SEED_LINES[0] not in lines
        assert not [line for line in lines if line.startswith("| `enforcement.")]

    async def test_a_figure_missing_from_a_healthy_source_is_named(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        payload = statistics_payload("mediation")
        del payload["figures"]["mediation.trainings"]
        upstreams["mediation"].handler = answer(200, json=payload)
        text = await self.markdown(client, params={**QUERY, "format": "markdown"})
        assert "- （数据暂缺：mediation.trainings 未提供）" in text.splitlines()

    async def test_a_county_without_a_known_name_is_titled_by_its_code(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        client.headers.update(await bearer(app, org={}))
        text = await self.markdown(
            client, params={"region_code": "421223", "year": 2022, "format": "markdown"}
        )
        assert text.splitlines()[0] == "# 421223 2022年度法治政府建设统计"


class TestReportQuery:
    @pytest.mark.parametrize(
        "query",
        [
            "region_code=421222&year=2023&foo=1",
            "region_code=421222&year=2023&year=2023",
            "region_code=421222&year=2023&format=markdown&bogus=x",
        ],
    )
    async def test_undeclared_or_repeated_parameters_are_400(
        self, client: httpx.AsyncClient, query: str
    ) -> None:
        response = await client.get(f"{URL}?{query}")
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == PROBLEM
