"""The acceptance case: the 通城县 2023 report (domain.md §7) from case records, end to end."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from stack import Stack

from tests.e2e.tokens import token_of

#: The seed's figures (../shared/seeds/tongcheng-2023-rule-of-law-report.txt, domain.md §7).
SEED_COUNTS = {
    "reconsideration.applications_received": 62,  # 收到行政复议申请62件
    "reconsideration.not_accepted": 11,  # 不予受理11件
    "reconsideration.concluded": 50,  # 已审结50件
    "reconsideration.agency_points": 11,  # 在11个乡镇设立行政复议代办点
    "reconsideration.collective_discussions": 10,  # 集中讨论会议10次
    "litigation.cases": 23,  # 行政诉讼案件23件(次)
    "litigation.cases.county_government_party": 23,  # 以县人民政府为主体
    "litigation.concluded": 17,  # 已审结17件(次)
    "litigation.pending": 6,  # 6件尚在审理中
    "mediation.cases_mediated": 4561,  # 共调解矛盾4561件
    "mediation.cases_resolved": 4459,  # 成功化解4459件
    "mediation.remote_video_sessions": 118,  # 远程视频调解118次
    "mediation.trainings": 16,  # 调解员培训16场
    "mediation.fulltime_mediators_recruited": 12,  # 专职调解员12名
    "enforcement.supervision_recommendations_issued": 14,  # 建议书14份
    "enforcement.supervision_recommendations_rectified": 14,  # 已全部整改到位
    "enforcement.social_supervisors": 5,  # 5名涉企行政执法社会监督员
    "enforcement.lenient_items_exempt": 15,  # 免予处罚事项15项
    "enforcement.lenient_items_no_penalty": 3,  # 不予处罚事项3项
    "enforcement.lenient_items_lighter_or_reduced": 39,  # 从轻、减轻处罚事项39项
    "enforcement.random_inspections": 46,  # 双随机一公开监管46次
    "enforcement.joint_inspections": 34,  # 部门联合监管34次
    "enforcement.new_officers_trained": 112,  # 112名新增执法人员
    "enforcement.special_campaign_clues": 5,  # 发现问题线索5条
    "enforcement.special_campaign_clues_rectified": 5,  # 并全部完成整改
    "enforcement.unperformed_judgments_rectified": 3,  # 未履行法院生效判决案件3件
    "enforcement.comprehensive_enforcement_teams": 5,  # 五支综合执法队伍
}
SEED_RATES = {
    "litigation.head_appearance_rate": "100%",  # 负责人出庭应诉率100%
    "mediation.resolution_rate": "97.8%",  # 化解率达到97.8%
    "enforcement.joint_share": "74%",  # 占比率达74%
    "enforcement.inspection_item_coverage": "100%",  # 抽查事项覆盖率100%
}

#: Every key of domain.md §6 (with the variants it names).
ALL_KEYS = {
    *SEED_COUNTS,
    *SEED_RATES,
    "reconsideration.accepted",
    "reconsideration.pending",
    "reconsideration.corrected",
    "reconsideration.correction_rate",
    "reconsideration.correction_rate.over_concluded",
    "reconsideration.mediated_or_settled",
    "reconsideration.mediated_or_settled_rate",
    "reconsideration.opinion_letters_issued",
    "reconsideration.opinion_letters_replied_on_time",
    "litigation.lost",
    "litigation.loss_rate",
    "litigation.head_appearance_rate.per_hearing",
    "mediation.remote_video_cost_saved",
    "mediation.committees_founded",
    "enforcement.case_files_reviewed",
}


def annual(
    stack: Stack,
    auth: dict[str, str],
    *,
    region_code: str = "421222",
    year: int = 2023,
    headers: dict[str, str] | None = None,
    **params: Any,
) -> httpx.Response:
    return httpx.get(
        f"{stack.url()}/api/v1/reports/annual",
        params={"region_code": region_code, "year": year, **params},
        headers={**auth, **(headers or {})},
        timeout=30,
        trust_env=False,
    )


@pytest.fixture(scope="module")
def report(
    stack: Stack, auth: dict[str, str], loaded: dict[str, Any]
) -> dict[str, Any]:
    response = annual(stack, auth)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class TestAnnualReport2023:
    def test_every_source_answered(self, report: dict[str, Any]) -> None:
        assert report["partial"] is False
        assert {s["service"]: s["status"] for s in report["sources"]} == {
            "reconsideration": "ok",
            "mediation": "ok",
            "enforcement": "ok",
        }
        assert (report["region_code"], report["year"]) == ("421222", 2023)

    def test_every_key_of_the_domain_is_reported_with_its_definition(
        self, report: dict[str, Any]
    ) -> None:
        missing = ALL_KEYS - report["figures"].keys()
        assert not missing
        for key, figure in report["figures"].items():
            assert figure["definition"], key
            assert figure["source"] == key.split(".")[0].replace(
                "litigation", "reconsideration"
            )

    @pytest.mark.parametrize(("key", "expected"), sorted(SEED_COUNTS.items()))
    def test_count_equals_the_seed(
        self, report: dict[str, Any], key: str, expected: int
    ) -> None:
        assert report["figures"][key]["value"] == expected

    @pytest.mark.parametrize(("key", "expected"), sorted(SEED_RATES.items()))
    def test_rate_is_displayed_as_in_the_seed(
        self, report: dict[str, Any], key: str, expected: str
    ) -> None:
        assert report["figures"][key]["display"] == expected

    def test_rates_agree_with_their_counts(self, report: dict[str, Any]) -> None:
        figures = report["figures"]
        resolution = figures["mediation.resolution_rate"]
        assert (resolution["numerator"], resolution["denominator"]) == (4459, 4561)
        joint = figures["enforcement.joint_share"]
        assert (joint["numerator"], joint["denominator"]) == (34, 46)

    def test_remote_video_saved_55_wan_yuan_and_more(
        self, report: dict[str, Any]
    ) -> None:
        saved = Decimal(report["figures"]["mediation.remote_video_cost_saved"]["value"])
        assert Decimal(550_000) <= saved < Decimal(560_000)  # the seed: 55万余元

    def test_markdown_follows_the_seed(
        self, stack: Stack, auth: dict[str, str], loaded: dict[str, Any]
    ) -> None:
        response = annual(stack, auth, format="markdown")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/markdown")
        text = response.text
        for line in ("4561", "4459", "97.8%", "118", "74%", "112"):
            assert line in text
        for section in ("行政复议", "人民调解", "行政执法监督"):
            assert section in text
        by_accept = annual(stack, auth, headers={"Accept": "text/markdown"})
        assert by_accept.text == text


class TestOtherPeriodsAndRegions:
    @pytest.mark.parametrize(
        ("region_code", "year"), [("421221", 2023), ("421222", 2021)]
    )
    def test_a_region_or_year_without_cases_is_all_zeros(
        self, stack: Stack, loaded: dict[str, Any], region_code: str, year: int
    ) -> None:
        # A client of that county (the loader's client may read only 通城县).
        reader = stack.create_client(
            f"reader-{region_code}", ("reports:read",), region_code=region_code
        )
        body = annual(
            stack, token_of(stack, reader), region_code=region_code, year=year
        ).json()
        assert body["partial"] is False
        for key, figure in body["figures"].items():
            if figure["kind"] == "count":
                assert figure["value"] == 0, key
            elif figure["kind"] == "rate":
                assert figure["numerator"] == 0, key
            else:
                assert Decimal(figure["value"]) == 0, key

    def test_2022_counts_2022_not_the_2023_figures(
        self, stack: Stack, auth: dict[str, str], loaded: dict[str, Any]
    ) -> None:
        figures = annual(stack, auth, year=2022).json()["figures"]
        assert figures["mediation.cases_mediated"]["value"] not in (0, 4561)
        assert figures["reconsideration.applications_received"]["value"] != 62
        assert figures["enforcement.random_inspections"]["value"] != 46


class TestThroughTheGateway:
    def test_routed_calls_reach_each_service(
        self, stack: Stack, auth: dict[str, str], loaded: dict[str, Any]
    ) -> None:
        for service, path in (
            ("mediation", "disputes"),
            ("reconsideration", "applications"),
            ("enforcement", "random-inspections"),
        ):
            response = httpx.get(
                f"{stack.url()}/api/v1/{service}/{path}",
                params={"region_code": "421222", "year": 2023, "page_size": 5},
                headers={**auth, "X-Request-ID": "e2e-request-0001"},
                timeout=30,
                trust_env=False,
            )
            assert response.status_code == 200, (service, response.text)
            assert len(response.json()["items"]) == 5
            assert response.headers["x-request-id"] == "e2e-request-0001"

    def test_routed_errors_are_problems(
        self, stack: Stack, auth: dict[str, str]
    ) -> None:
        url = f"{stack.url()}/api/v1/mediation/disputes/7d0f7a38-3c41-4c3c-9a5f-2f1a2f5a0b1c"
        response = httpx.get(url, headers=auth, trust_env=False)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        anonymous = httpx.get(url, trust_env=False)
        assert anonymous.status_code == 401
        assert anonymous.headers["content-type"] == "application/problem+json"

    def test_a_report_needs_a_token(self, stack: Stack) -> None:
        response = annual(stack, {})
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"

    def test_a_client_of_another_county_may_not_read_this_ones_report(
        self, stack: Stack, loaded: dict[str, Any]
    ) -> None:
        other = stack.create_client(
            "reader-421223", ("reports:read",), region_code="421223"
        )
        response = annual(stack, token_of(stack, other))
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"

    def test_openapi_is_served(self, stack: Stack) -> None:
        assert httpx.get(f"{stack.url()}/docs", trust_env=False).status_code == 200
        assert httpx.get(f"{stack.url()}/openapi.json", trust_env=False).json()["info"][
            "title"
        ]


@pytest.fixture(scope="module")
def auditor(stack: Stack) -> dict[str, str]:
    """A 通城县 client that may read the audit logs."""
    client = stack.create_client("auditor", ("audit:read",), region_code="421222")
    return token_of(stack, client)


class TestAudit:
    """Issue 3: every create, transition and denied attempt leaves exactly one audit event
    with the actor and the request id."""

    def events(
        self,
        stack: Stack,
        auditor: dict[str, str],
        service: str = "mediation",
        **filters: str,
    ) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        token = ""
        while True:
            params = {**filters, "page_size": "200"}
            if token:
                params["page_token"] = token
            page = httpx.get(
                f"{stack.url()}/api/v1/{service}/audit-events",
                params=params,
                headers=auditor,
                timeout=30,
                trust_env=False,
            ).json()
            items += page["items"]
            token = page["next_page_token"]
            if not token:
                return items

    def test_every_dispute_created_and_moved_once_each(
        self,
        stack: Stack,
        credentials: tuple[str, str],
        auditor: dict[str, str],
        loaded: dict[str, Any],
    ) -> None:
        created = self.events(stack, auditor, action="create", resource_type="dispute")
        assert len(created) == loaded["mediation"]["disputes"]
        assert len({e["resource_id"] for e in created}) == len(created)
        assert {e["actor"] for e in created} == {credentials[0]}
        assert all(e["request_id"] for e in created)
        started = self.events(stack, auditor, action="command:start_mediation")
        assert sorted(e["resource_id"] for e in started) == sorted(
            e["resource_id"] for e in created
        )
        request_ids = [e["request_id"] for e in created + started]
        assert len(set(request_ids)) == len(request_ids)

    @pytest.mark.parametrize("service", ["reconsideration", "mediation", "enforcement"])
    def test_every_change_of_the_run_has_one_event_with_actor_and_request_id(
        self,
        stack: Stack,
        credentials: tuple[str, str],
        auditor: dict[str, str],
        loaded: dict[str, Any],
        service: str,
    ) -> None:
        changes = [
            e
            for e in self.events(stack, auditor, service)
            if e["action"] == "create" or e["action"].startswith("command:")
        ]
        assert len(changes) >= sum(
            loaded[service].values()
        )  # every record, then its steps
        assert {e["actor"] for e in changes} == {credentials[0]}
        request_ids = [e["request_id"] for e in changes]
        assert all(request_ids)
        assert len(set(request_ids)) == len(request_ids)  # one event per request

    def test_a_denied_attempt_is_recorded_with_its_request_id(
        self, stack: Stack, auth: dict[str, str], auditor: dict[str, str]
    ) -> None:
        url = f"{stack.url()}/api/v1/mediation/disputes/7d0f7a38-3c41-4c3c-9a5f-2f1a2f5a0b1c"
        response = httpx.get(
            url, headers={**auth, "X-Request-ID": "e2e-denied-0001"}, trust_env=False
        )
        assert response.status_code == 404
        events = self.events(stack, auditor, request_id="e2e-denied-0001")
        assert [(e["action"], e["status"]) for e in events] == [("denied", 404)]
