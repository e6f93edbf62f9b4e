"""Organisation scope (docs/auth.md): every caller sees, reads, changes and creates only the
records of its own organisation; a record outside it is not found (404), a new record
outside it is forbidden (403), a reference outside it is unknown (422).

The records: in county 421222 agency points ``p100`` and ``p101`` (one per township);
applications in township 421222100 (``a100``, and ``a100_point`` received at ``p100``,
its township taken from the point), in township 421222101 (``a101``) and received by the
county office without a township (``a_county``); the county-level records, which have no
``township_code``: litigation cases ``l1`` and ``l2``, opinion letters ``o1`` and ``o2``,
collective discussions ``cd1`` and ``cd2``. In county 421223 one record of each kind
(``…_other``).

A township-scoped caller (an agency point's clerk) sees none of the county-level records
and no application without a township: equality on a NULL column never matches
(reconsideration.scope). An agency-scoped caller (an enforcement org) sees nothing: no
reconsideration record belongs to an agency.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from shared.testing import ServiceUnderTest
from tests.factories import (
    make_agency_point,
    make_application,
    make_discussion,
    make_litigation_case,
    make_opinion_letter,
)

REGION = "421222"
T100 = "421222100"
T101 = "421222101"
OTHER_REGION = "421223"
OTHER_TOWNSHIP = "421223100"

SCOPES = {"reconsideration:read", "reconsideration:write", "reconsideration:pii"}
PROBLEM = "application/problem+json"

COLLECTIONS = {
    "agency_points": "/api/v1/agency-points",
    "applications": "/api/v1/applications",
    "litigation": "/api/v1/litigation-cases",
    "opinion_letters": "/api/v1/opinion-letters",
    "discussions": "/api/v1/collective-discussions",
}
NOT_FOUND = {
    "agency_points": "urn:fazhi:problem:agency-point-not-found",
    "applications": "urn:fazhi:problem:application-not-found",
    "litigation": "urn:fazhi:problem:litigation-case-not-found",
    "opinion_letters": "urn:fazhi:problem:opinion-letter-not-found",
    "discussions": "urn:fazhi:problem:collective-discussion-not-found",
}
#: The child collections of each record (read through the same load-by-id dependency).
CHILDREN = {
    "agency_points": ["events"],
    "applications": ["events"],
    "litigation": ["events", "hearings"],
    "opinion_letters": ["events"],
    "discussions": [],
}
#: A lifecycle command each record's status allows (None: the aggregate has none).
COMMANDS: dict[str, dict[str, Any] | None] = {
    "agency_points": {"type": "close", "occurred_on": "2023-09-30"},
    "applications": {"type": "start_review", "occurred_on": "2023-03-02"},
    "litigation": {"type": "conclude", "occurred_on": "2023-05-20", "outcome": "won"},
    "opinion_letters": {"type": "record_reply", "occurred_on": "2023-06-01"},
    "discussions": None,
}

#: Every record by collection.
RECORDS = {
    "agency_points": {"p100", "p101", "p_other"},
    "applications": {"a100", "a100_point", "a101", "a_county", "a_other"},
    "litigation": {"l1", "l2", "l_other"},
    "opinion_letters": {"o1", "o2", "o_other"},
    "discussions": {"cd1", "cd2", "cd_other"},
}
ALL = set().union(*RECORDS.values())
COLLECTION_OF = {label: name for name, labels in RECORDS.items() for label in labels}

CALLERS = ["county", "township", "other_county", "provincial", "agency"]

#: What each caller may see.
VISIBLE: dict[str, set[str]] = {
    "county": ALL - {label for label in ALL if label.endswith("_other")},
    # A township clerk: the township's points and applications; no application without a
    # township and no county-level record (their township is NULL).
    "township": {"p100", "a100", "a100_point"},
    "other_county": {label for label in ALL if label.endswith("_other")},
    "provincial": ALL,
    # An enforcement agency's staff: no reconsideration record has an agency.
    "agency": set(),
}

AGENCY_ID = "5b0c8f1e-2a7d-4e0b-9d3c-1f2e3d4c5b6a"


def org_of(caller: str) -> dict[str, Any]:
    return {
        "county": {"region_code": REGION},
        "township": {"region_code": REGION, "township_code": T100},
        "other_county": {"region_code": OTHER_REGION},
        "provincial": {},
        "agency": {"region_code": REGION, "agency_id": AGENCY_ID},
    }[caller]


World = dict[str, uuid.UUID]


@pytest.fixture
async def world(session: AsyncSession) -> World:
    ids: World = {}
    p100 = await make_agency_point(session, township_code=T100)
    ids["p100"] = p100.id
    ids["p101"] = (await make_agency_point(session, township_code=T101)).id
    ids["p_other"] = (
        await make_agency_point(
            session, region_code=OTHER_REGION, township_code=OTHER_TOWNSHIP
        )
    ).id
    ids["a101"] = (await make_application(session, township_code=T101)).id
    ids["a100"] = (await make_application(session, township_code=T100)).id
    via_point = await make_application(
        session,
        receipt_channel="agency_point",
        agency_point_id=p100.id,
        agency_point_received_on=dt.date(2023, 3, 1),
    )
    assert via_point.township_code == T100
    ids["a100_point"] = via_point.id
    ids["a_county"] = (await make_application(session)).id
    ids["a_other"] = (
        await make_application(
            session, region_code=OTHER_REGION, township_code=OTHER_TOWNSHIP
        )
    ).id
    for n in ("1", "2"):
        ids[f"l{n}"] = (await make_litigation_case(session)).id
        ids[f"o{n}"] = (await make_opinion_letter(session)).id
        ids[f"cd{n}"] = (await make_discussion(session)).id
    ids["l_other"] = (await make_litigation_case(session, region_code=OTHER_REGION)).id
    ids["o_other"] = (await make_opinion_letter(session, region_code=OTHER_REGION)).id
    ids["cd_other"] = (await make_discussion(session, region_code=OTHER_REGION)).id
    await session.flush()
    assert set(ids) == ALL
    return ids


def headers_of(sut: ServiceUnderTest, caller: str) -> dict[str, str]:
    return sut.issuer.headers(scopes=SCOPES, org=org_of(caller))


def labels_of(world: World, ids: set[str]) -> set[str]:
    by_id = {str(v): k for k, v in world.items()}
    return {by_id.get(i, f"new:{i}") for i in ids}


async def walk(
    client: httpx.AsyncClient,
    path: str,
    headers: dict[str, str],
    *,
    params: dict[str, Any] | None = None,
    page_token: str | None = None,
) -> list[str]:
    """Every id of a collection, one item per page (so the filter is tried on every page)."""
    ids: list[str] = []
    token = page_token
    while True:
        query: dict[str, Any] = {**(params or {}), "page_size": 1}
        if token:
            query["page_token"] = token
        response = await client.get(path, params=query, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        ids.extend(item["id"] for item in body["items"])
        token = body["next_page_token"]
        if not token:
            return ids


def assert_not_found(response: httpx.Response, collection: str) -> None:
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == NOT_FOUND[collection]


@pytest.mark.parametrize("caller", CALLERS)
class TestScopeMatrix:
    async def test_lists_show_exactly_the_callers_records(
        self,
        client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
        world: World,
        caller: str,
    ) -> None:
        headers = headers_of(service_under_test, caller)
        for name, path in COLLECTIONS.items():
            ids = await walk(client, path, headers)
            assert len(ids) == len(set(ids)), (name, "a row repeated across pages")
            assert labels_of(world, set(ids)) == VISIBLE[caller] & RECORDS[name], name

    async def test_a_filter_never_widens_the_scope(
        self,
        client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
        world: World,
        caller: str,
    ) -> None:
        headers = headers_of(service_under_test, caller)
        for name, path in COLLECTIONS.items():
            for region in (REGION, OTHER_REGION):
                ids = await walk(client, path, headers, params={"region_code": region})
                in_region = {
                    label
                    for label in RECORDS[name]
                    if label.endswith("_other") == (region == OTHER_REGION)
                }
                assert labels_of(world, set(ids)) == (VISIBLE[caller] & in_region), (
                    name,
                    region,
                )
        ids = await walk(
            client, COLLECTIONS["applications"], headers, params={"township_code": T101}
        )
        assert labels_of(world, set(ids)) == VISIBLE[caller] & {"a101"}

    async def test_read_by_id_and_child_collections(
        self,
        client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
        world: World,
        caller: str,
    ) -> None:
        headers = headers_of(service_under_test, caller)
        for label in sorted(ALL):
            name = COLLECTION_OF[label]
            path = f"{COLLECTIONS[name]}/{world[label]}"
            paths = [path, *(f"{path}/{child}" for child in CHILDREN[name])]
            for p in paths:
                response = await client.get(p, headers=headers)
                if label in VISIBLE[caller]:
                    assert response.status_code == 200, (label, p, response.text)
                else:
                    assert_not_found(response, name)

    async def test_commands_on_outside_records_are_404_and_change_nothing(
        self,
        client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
        world: World,
        caller: str,
    ) -> None:
        headers = headers_of(service_under_test, caller)
        for label in sorted(ALL - VISIBLE[caller]):
            name = COLLECTION_OF[label]
            path = f"{COLLECTIONS[name]}/{world[label]}"
            children = [f"{path}/{child}" for child in CHILDREN[name]]
            before = [(await client.get(p)).json() for p in (path, *children)]
            command = COMMANDS[name]
            if command is not None:
                response = await client.post(
                    f"{path}/events", json=command, headers=headers
                )
                assert_not_found(response, name)
            if name == "litigation":
                response = await client.post(
                    f"{path}/hearings",
                    json={"held_on": "2023-04-10", "head_appeared": False},
                    headers=headers,
                )
                assert_not_found(response, name)
            after = [(await client.get(p)).json() for p in (path, *children)]
            assert after == before, label

    async def test_commands_on_own_records_apply(
        self,
        client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
        world: World,
        caller: str,
    ) -> None:
        headers = headers_of(service_under_test, caller)
        for name, command in COMMANDS.items():
            own = sorted(VISIBLE[caller] & RECORDS[name])
            if command is None or not own:
                continue
            path = f"{COLLECTIONS[name]}/{world[own[0]]}"
            response = await client.post(
                f"{path}/events", json=command, headers=headers
            )
            assert response.status_code == 200, (name, response.text)
            assert response.json()["version"] == 2


def point_body(region: str, township: str) -> dict[str, Any]:
    return {
        "region_code": region,
        "township_code": township,
        "name": "测试代办点",
        "established_on": "2023-03-01",
    }


def application_body(region: str, **overrides: Any) -> dict[str, Any]:
    return {
        "region_code": region,
        "received_on": "2023-03-01",
        "receipt_channel": "in_person",
        "applicant_name": "张某",
        "applicant_kind": "person",
        "respondent": "县市场监督管理局",
        "matter_type": "penalty",
        **overrides,
    }


def case_body(region: str) -> dict[str, Any]:
    return {
        "region_code": region,
        "case_number": f"(2023)鄂行初{uuid.uuid4().hex[:6]}号",
        "court": "通城县人民法院",
        "defendant_agency": "县人力资源和社会保障局",
        "county_government_party": True,
        "cause": "工伤认定",
        "stage": "first_instance",
        "filed_on": "2023-03-01",
    }


def letter_body(region: str) -> dict[str, Any]:
    return {
        "region_code": region,
        "agency": "县自然资源局",
        "issued_on": "2023-05-08",
        "received_on": "2023-05-10",
    }


def discussion_body(region: str) -> dict[str, Any]:
    return {"region_code": region, "held_on": "2023-05-10", "chair": "分管副县长"}


def county_records(region: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("litigation", case_body(region)),
        ("opinion_letters", letter_body(region)),
        ("discussions", discussion_body(region)),
    ]


def township_records(region: str, township: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("agency_points", point_body(region, township)),
        ("applications", application_body(region, township_code=township)),
    ]


#: New records each caller may not create (403).
OUTSIDE: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "county": [
        *township_records(OTHER_REGION, OTHER_TOWNSHIP),
        ("applications", application_body(OTHER_REGION)),
        *county_records(OTHER_REGION),
    ],
    "township": [
        *township_records(REGION, T101),
        ("applications", application_body(REGION)),
        *county_records(REGION),
    ],
    "other_county": [
        *township_records(REGION, T100),
        ("applications", application_body(REGION)),
        *county_records(REGION),
    ],
    "provincial": [],
    "agency": [
        *township_records(REGION, T100),
        ("applications", application_body(REGION)),
        *county_records(REGION),
    ],
}
#: New records each caller may create (201).
INSIDE: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "county": [
        *township_records(REGION, T101),
        ("applications", application_body(REGION)),
        *county_records(REGION),
    ],
    "township": township_records(REGION, T100),
    "other_county": [
        *township_records(OTHER_REGION, OTHER_TOWNSHIP),
        *county_records(OTHER_REGION),
    ],
    "provincial": [
        *township_records(REGION, T101),
        *township_records(OTHER_REGION, OTHER_TOWNSHIP),
        *county_records(REGION),
        *county_records(OTHER_REGION),
    ],
    "agency": [],
}


@pytest.mark.parametrize("caller", CALLERS)
async def test_creates_outside_the_org_are_403_and_inside_201(
    client: httpx.AsyncClient,
    service_under_test: ServiceUnderTest,
    world: World,
    caller: str,
) -> None:
    headers = headers_of(service_under_test, caller)
    everything = service_under_test.issuer.headers(scopes=SCOPES)
    before = {n: set(await walk(client, p, everything)) for n, p in COLLECTIONS.items()}
    for name, body in OUTSIDE[caller]:
        response = await client.post(COLLECTIONS[name], json=body, headers=headers)
        assert response.status_code == 403, (name, body, response.text)
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"] == "urn:fazhi:problem:forbidden"
    after = {n: set(await walk(client, p, everything)) for n, p in COLLECTIONS.items()}
    assert after == before
    for name, body in INSIDE[caller]:
        response = await client.post(COLLECTIONS[name], json=body, headers=headers)
        assert response.status_code == 201, (name, body, response.text)
        created = response.json()
        read = await client.get(response.headers["location"], headers=headers)
        assert read.status_code == 200
        assert read.json() == created


async def test_a_township_clerk_records_an_application_received_at_its_point(
    client: httpx.AsyncClient, service_under_test: ServiceUnderTest, world: World
) -> None:
    headers = headers_of(service_under_test, "township")
    via_point = {
        "receipt_channel": "agency_point",
        "agency_point_id": str(world["p100"]),
        "agency_point_received_on": "2023-03-01",
    }
    response = await client.post(
        "/api/v1/applications",
        json=application_body(REGION, **via_point),
        headers=headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["township_code"] == T100


@pytest.mark.parametrize(
    ("caller", "point", "body_region"),
    [
        # Another county's point, named in an application of the caller's county.
        ("county", "p_other", REGION),
        # The other township's point: the township is taken from it, so it is not the
        # clerk's to name.
        ("township", "p101", REGION),
        ("other_county", "p100", OTHER_REGION),
    ],
)
async def test_an_agency_point_outside_the_org_is_unknown(
    client: httpx.AsyncClient,
    service_under_test: ServiceUnderTest,
    world: World,
    caller: str,
    point: str,
    body_region: str,
) -> None:
    body = application_body(
        body_region,
        receipt_channel="agency_point",
        agency_point_id=str(world[point]),
        agency_point_received_on="2023-03-01",
    )
    response = await client.post(
        "/api/v1/applications",
        json=body,
        headers=headers_of(service_under_test, caller),
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == ("agency_point_id", "unknown")


async def test_discussed_applications_are_looked_up_within_the_org(
    client: httpx.AsyncClient, service_under_test: ServiceUnderTest, world: World
) -> None:
    headers = headers_of(service_under_test, "county")
    response = await client.post(
        "/api/v1/collective-discussions",
        json={
            **discussion_body(REGION),
            "application_ids": [str(world["a100"]), str(world["a_other"])],
        },
        headers=headers,
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "application_ids"
    ok = await client.post(
        "/api/v1/collective-discussions",
        json={
            **discussion_body(REGION),
            "application_ids": [str(world["a101"]), str(world["a_county"])],
        },
        headers=headers,
    )
    assert ok.status_code == 201, ok.text


@pytest.mark.parametrize(
    ("first", "second", "collection"),
    [
        ("county", "township", "applications"),
        ("county", "township", "agency_points"),
        ("county", "township", "litigation"),
        ("provincial", "county", "opinion_letters"),
        ("provincial", "other_county", "applications"),
        ("provincial", "agency", "discussions"),
    ],
)
async def test_a_replayed_page_token_reveals_nothing_outside_the_second_callers_org(
    client: httpx.AsyncClient,
    service_under_test: ServiceUnderTest,
    world: World,
    first: str,
    second: str,
    collection: str,
) -> None:
    path = COLLECTIONS[collection]
    first_page = await client.get(
        path,
        params={"page_size": 1},
        headers=headers_of(service_under_test, first),
    )
    assert first_page.status_code == 200
    token = first_page.json()["next_page_token"]
    assert token
    replayed = await walk(
        client, path, headers_of(service_under_test, second), page_token=token
    )
    seen = labels_of(world, set(replayed))
    assert seen <= VISIBLE[second] & RECORDS[collection], seen
    # The first caller's own walk from the same token does go further than the second's.
    theirs = await walk(
        client, path, headers_of(service_under_test, first), page_token=token
    )
    assert seen <= labels_of(world, set(theirs))
    assert labels_of(world, set(theirs)) - VISIBLE[second], (
        "the scenario needs records only the first caller sees after the token"
    )
