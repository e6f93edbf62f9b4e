"""Safe writes through the gateway (issue 4): the gateway passes If-Match,
Idempotency-Key and ETag through unchanged, so a provincial system retrying at night
gets one record, and a stale command is refused. Records are made in 2019, a year no
other test counts."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from stack import Stack


def _committee(stack: Stack, auth: dict[str, str]) -> str:
    response = httpx.post(
        f"{stack.url()}/api/v1/mediation/committees",
        json={
            "region_code": "421222",
            "township_code": "421222100",
            "name": "隽水镇测试调委会",
            "kind": "township",
            "founded_on": "2019-01-01",
        },
        headers=auth,
    )
    assert response.status_code == 201, response.text
    committee_id: str = response.json()["id"]
    return committee_id


def _dispute(committee_id: str) -> dict[str, Any]:
    return {
        "committee_id": committee_id,
        "dispute_type": "neighbour",
        "source": "application",
        "mode": "on_site",
        "summary": "宅基地边界纠纷",
        "parties": [
            {"kind": "person", "name": "张某"},
            {"kind": "person", "name": "李某"},
        ],
        "registered_on": "2019-06-03",
    }


def test_a_retried_create_and_a_stale_command_through_the_gateway(
    stack: Stack, auth: dict[str, str], loaded: dict[str, Any]
) -> None:
    url = f"{stack.url()}/api/v1/mediation/disputes"
    body = _dispute(_committee(stack, auth))
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = httpx.post(url, json=body, headers={**auth, **key})
    again = httpx.post(url, json=body, headers={**auth, **key})
    assert first.status_code == again.status_code == 201, first.text
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    dispute = first.json()
    assert dispute["case_number"] == "通人调〔2019〕1号"
    location = first.headers["location"]
    assert location == f"/api/v1/mediation/disputes/{dispute['id']}"
    listed = httpx.get(url, params={"year": 2019}, headers=auth).json()["items"]
    assert [d["id"] for d in listed] == [dispute["id"]]

    events = f"{stack.url()}{location}/events"
    command = {"type": "start_mediation", "occurred_on": "2019-06-04"}
    missing = httpx.post(events, json=command, headers=auth)
    assert missing.status_code == 428
    assert missing.headers["content-type"] == "application/problem+json"
    started = httpx.post(
        events, json=command, headers={**auth, "If-Match": first.headers["etag"]}
    )
    assert started.status_code == 200, started.text
    assert started.headers["etag"] == '"2"'
    stale = httpx.post(
        events,
        json={"type": "fail", "occurred_on": "2019-06-05", "reason": "一方拒绝调解"},
        headers={**auth, "If-Match": first.headers["etag"]},
    )
    assert stale.status_code == 412
    assert stale.headers["etag"] == '"2"'
    read = httpx.get(f"{stack.url()}{location}", headers=auth)
    assert read.json()["status"] == "mediating"
    assert read.headers["etag"] == '"2"'


def test_the_report_follows_each_write_at_once(
    stack: Stack, auth: dict[str, str], loaded: dict[str, Any]
) -> None:
    """The services keep their statistics between writes (rollups, snapshots) and the
    gateway keeps the last ones it got (asking with If-None-Match): after one new record
    in each service, the next report counts it. Records of 2018, a year no other test
    counts."""
    gateway = stack.url()

    def figures() -> dict[str, Any]:
        response = httpx.get(
            f"{gateway}/api/v1/reports/annual",
            params={"region_code": "421222", "year": 2018},
            headers=auth,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["partial"] is False
        return {k: f["value"] for k, f in body["figures"].items()}

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = httpx.post(f"{gateway}/api/v1/{path}", json=body, headers=auth)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    before = figures()
    assert figures() == before  # kept, and still the same
    post(
        "reconsideration/applications",
        {
            "region_code": "421222",
            "received_on": "2018-03-01",
            "receipt_channel": "in_person",
            "applicant_name": "张某",
            "applicant_kind": "person",
            "respondent": "县市场监督管理局",
            "matter_type": "penalty",
        },
    )
    committee = _committee(stack, auth)
    post("mediation/disputes", {**_dispute(committee), "registered_on": "2018-06-04"})
    agency = post(
        "enforcement/enforcement-agencies",
        {"region_code": "421222", "name": "县测试执法局", "sector": "市场监管"},
    )
    post(
        "enforcement/supervision-instruments",
        {
            "kind": "recommendation",
            "agency_id": agency["id"],
            "findings": "执法文书不规范",
            "required_actions": "限期整改",
            "issued_on": "2018-05-02",
        },
    )
    after = figures()
    for key in (
        "reconsideration.applications_received",
        "mediation.cases_mediated",
        "enforcement.supervision_recommendations_issued",
    ):
        assert after[key] == before[key] + 1, key
