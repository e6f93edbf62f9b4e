"""Organisation scope (docs/auth.md): every caller sees, reads, changes and creates only the
records of its own organisation; a record outside it is not found (404), a new record
outside it is forbidden (403), a reference outside it is unknown (422).

The records: in county 421222 the townships 421222100 (committees ``c100`` and ``c100b``)
and 421222101 (committee ``c101``), a county-level committee ``c_county`` (no township);
in county 421223 the committee ``c_other``. Each township committee has a mediator
(``m…``) and a dispute (``d…``); trainings are held in each township (``t100``,
``t101``), county-wide (``t_county``) and in the other county (``t_other``).
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from shared.testing import ServiceUnderTest
from tests.factories import make_committee, make_dispute, make_mediator, make_training

REGION = "421222"
T100 = "421222100"
T101 = "421222101"
OTHER_REGION = "421223"
OTHER_TOWNSHIP = "421223100"

SCOPES = {"mediation:read", "mediation:write", "mediation:pii"}
PROBLEM = "application/problem+json"

COLLECTIONS = {
    "committees": "/api/v1/committees",
    "mediators": "/api/v1/mediators",
    "trainings": "/api/v1/trainings",
    "disputes": "/api/v1/disputes",
}
NOT_FOUND = {
    "committees": "urn:fazhi:problem:committee-not-found",
    "mediators": "urn:fazhi:problem:mediator-not-found",
    "trainings": "urn:fazhi:problem:training-not-found",
    "disputes": "urn:fazhi:problem:dispute-not-found",
}

#: Every record by collection.
RECORDS = {
    "committees": {"c100", "c100b", "c101", "c_county", "c_other"},
    "mediators": {"m100", "m100b", "m101", "m_other"},
    "trainings": {"t100", "t101", "t_county", "t_other"},
    "disputes": {"d100", "d100b", "d101", "d_other"},
}
ALL = set().union(*RECORDS.values())

CALLERS = ["county", "township", "committee", "other_county", "provincial"]

#: What each caller may see.
VISIBLE: dict[str, set[str]] = {
    "county": {
        *("c100", "c100b", "c101", "c_county"),
        *("m100", "m100b", "m101"),
        *("t100", "t101", "t_county"),
        *("d100", "d100b", "d101"),
    },
    "township": {"c100", "c100b", "m100", "m100b", "t100", "d100", "d100b"},
    # The mediators of committee c100: its committee (by the committee's own id), its
    # mediators and disputes (by committee_id), its township's trainings.
    "committee": {"c100", "m100", "t100", "d100"},
    "other_county": {"c_other", "m_other", "t_other", "d_other"},
    "provincial": ALL,
}


World = dict[str, uuid.UUID]


@pytest.fixture
async def world(session: AsyncSession) -> World:
    ids: World = {}
    committees = {
        "c100": (REGION, T100),
        "c100b": (REGION, T100),
        "c101": (REGION, T101),
        "c_county": (REGION, None),
        "c_other": (OTHER_REGION, OTHER_TOWNSHIP),
    }
    for label, (region, township) in committees.items():
        committee = await make_committee(
            session, region_code=region, township_code=township
        )
        ids[label] = committee.id
        if township is None:
            continue
        suffix = label.removeprefix("c")
        ids[f"m{suffix}"] = (await make_mediator(session, committee)).id
        ids[f"d{suffix}"] = (await make_dispute(session, committee)).id
    trainings = {
        "t100": (REGION, T100),
        "t101": (REGION, T101),
        "t_county": (REGION, None),
        "t_other": (OTHER_REGION, OTHER_TOWNSHIP),
    }
    for label, (region, township) in trainings.items():
        training = await make_training(
            session, region_code=region, township_code=township
        )
        ids[label] = training.id
    await session.flush()
    assert set(ids) == ALL
    return ids


def org_of(caller: str, world: World) -> dict[str, Any]:
    return {
        "county": {"region_code": REGION},
        "township": {"region_code": REGION, "township_code": T100},
        "committee": {
            "region_code": REGION,
            "township_code": T100,
            "committee_id": str(world["c100"]),
        },
        "other_county": {"region_code": OTHER_REGION},
        "provincial": {},
    }[caller]


def headers_of(
    service_under_test: ServiceUnderTest, caller: str, world: World
) -> dict[str, str]:
    return service_under_test.issuer.headers(
        scopes=SCOPES, org=org_of(caller, world), subject=f"{caller}-user"
    )


async def walk(
    client: httpx.AsyncClient,
    path: str,
    headers: dict[str, str],
    *,
    page_size: int = 1,
    page_token: str | None = None,
) -> list[str]:
    """Every id of a collection, page by page, from ``page_token`` on."""
    ids: list[str] = []
    while True:
        params: dict[str, str | int] = {"page_size": page_size}
        if page_token:
            params["page_token"] = page_token
        response = await client.get(path, params=params, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["items"]) <= page_size
        ids.extend(item["id"] for item in body["items"])
        page_token = body["next_page_token"]
        if not page_token:
            return ids


def labels(world: World, ids: list[str]) -> set[str]:
    by_id = {str(v): k for k, v in world.items()}
    return {by_id.get(i, f"unexpected {i}") for i in ids}


def assert_problem(response: httpx.Response, status: int, type_: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == type_


@pytest.mark.parametrize("caller", CALLERS)
class TestMatrix:
    async def test_lists_return_exactly_the_callers_records(
        self,
        client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
        world: World,
        caller: str,
    ) -> None:
        headers = headers_of(service_under_test, caller, world)
        for name, path in COLLECTIONS.items():
            ids = await walk(client, path, headers)
            assert len(ids) == len(set(ids)), (name, ids)
            assert labels(world, ids) == VISIBLE[caller] & RECORDS[name], name

    async def test_the_due_list_and_the_watch_list_hold_exactly_the_callers_disputes(
        self,
        client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
        world: World,
        caller: str,
    ) -> None:
        """Every dispute of the world is open and past its time limit, so due."""
        headers = headers_of(service_under_test, caller, world)
        for path in ("/api/v1/disputes/due", "/api/v1/disputes?watch_list=false"):
            ids = await walk(client, path, headers)
            assert labels(world, ids) == VISIBLE[caller] & RECORDS["disputes"], path

    async def test_list_filters_cannot_widen_the_scope(
        self,
        client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
        world: World,
        caller: str,
    ) -> None:
        """Asking for another township or committee by filter answers an empty page."""
        headers = headers_of(service_under_test, caller, world)
        response = await client.get(
            COLLECTIONS["disputes"],
            params={"township_code": T101, "committee_id": str(world["c101"])},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        got = labels(world, [i["id"] for i in response.json()["items"]])
        assert got == VISIBLE[caller] & {"d101"}

    async def test_read_by_id(
        self,
        client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
        world: World,
        caller: str,
    ) -> None:
        headers = headers_of(service_under_test, caller, world)
        for name, path in COLLECTIONS.items():
            for label in sorted(RECORDS[name]):
                response = await client.get(f"{path}/{world[label]}", headers=headers)
                if label in VISIBLE[caller]:
                    assert response.status_code == 200, (label, response.text)
                    assert response.json()["id"] == str(world[label])
                else:
                    assert_problem(response, 404, NOT_FOUND[name])

    async def test_a_disputes_history_is_read_within_the_org(
        self,
        client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
        world: World,
        caller: str,
    ) -> None:
        headers = headers_of(service_under_test, caller, world)
        for label in sorted(RECORDS["disputes"]):
            response = await client.get(
                f"/api/v1/disputes/{world[label]}/events", headers=headers
            )
            if label in VISIBLE[caller]:
                assert response.status_code == 200, response.text
                assert [e["type"] for e in response.json()["items"]] == ["register"]
            else:
                assert_problem(response, 404, NOT_FOUND["disputes"])

    async def test_a_command_on_an_outside_dispute_is_404_and_changes_nothing(
        self,
        client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
        world: World,
        caller: str,
    ) -> None:
        headers = headers_of(service_under_test, caller, world)
        start = {"type": "start_mediation", "occurred_on": "2023-03-02"}
        for label in sorted(RECORDS["disputes"]):
            path = f"/api/v1/disputes/{world[label]}"
            before = (await client.get(path)).json()
            response = await client.post(f"{path}/events", json=start, headers=headers)
            if label in VISIBLE[caller]:
                assert response.status_code == 200, (label, response.text)
                assert response.json()["status"] == "mediating"
                continue
            assert_problem(response, 404, NOT_FOUND["disputes"])
            after = (await client.get(path)).json()
            assert after == before
            assert after["status"] == "registered"
            events = (await client.get(f"{path}/events")).json()["items"]
            assert [e["type"] for e in events] == ["register"]


#: (caller, region_code, township_code, status) of a new committee.
COMMITTEE_CREATES = [
    ("county", OTHER_REGION, OTHER_TOWNSHIP, 403),
    ("county", REGION, T101, 201),
    ("county", REGION, None, 201),
    ("township", REGION, T101, 403),
    ("township", REGION, None, 403),
    ("township", OTHER_REGION, None, 403),
    ("township", REGION, T100, 201),
    # A mediator works for one committee; a new committee is never that one.
    ("committee", REGION, T101, 403),
    ("committee", REGION, T100, 403),
    ("other_county", REGION, T100, 403),
    ("other_county", OTHER_REGION, None, 201),
    ("provincial", OTHER_REGION, OTHER_TOWNSHIP, 201),
    ("provincial", REGION, None, 201),
]

#: (caller, region_code, township_code, status) of a new training.
TRAINING_CREATES = [
    ("county", OTHER_REGION, None, 403),
    ("county", REGION, T101, 201),
    ("township", REGION, T101, 403),
    ("township", REGION, None, 403),
    ("township", REGION, T100, 201),
    ("committee", REGION, T101, 403),
    ("committee", REGION, T100, 201),
    ("other_county", REGION, None, 403),
    ("other_county", OTHER_REGION, OTHER_TOWNSHIP, 201),
    ("provincial", OTHER_REGION, None, 201),
]

#: (caller, committee, township_code, status) of a new dispute: a committee outside the
#: caller's org is unknown (422 naming committee_id); a township outside it is 403.
DISPUTE_CREATES = [
    ("county", "c_other", None, 422),
    ("county", "c101", None, 201),
    ("township", "c101", None, 422),
    ("township", "c_county", None, 422),
    ("township", "c100", T101, 403),
    ("township", "c100b", None, 201),
    ("committee", "c100b", None, 422),
    ("committee", "c101", None, 422),
    ("committee", "c100", T101, 403),
    ("committee", "c100", None, 201),
    ("other_county", "c100", None, 422),
    ("other_county", "c_other", None, 201),
    ("provincial", "c_other", None, 201),
    ("provincial", "c_county", T101, 201),
]

#: (caller, committee, status) of a new mediator: region and township come from the
#: committee, so a mediator outside the caller's org means a committee outside it (422).
MEDIATOR_CREATES = [
    ("county", "c_other", 422),
    ("county", "c_county", 201),
    ("township", "c101", 422),
    ("township", "c_county", 422),
    ("township", "c100b", 201),
    ("committee", "c100b", 422),
    ("committee", "c100", 201),
    ("other_county", "c100", 422),
    ("other_county", "c_other", 201),
    ("provincial", "c_other", 201),
]


async def assert_created(
    client: httpx.AsyncClient,
    path: str,
    body: dict[str, Any],
    headers: dict[str, str],
    status: int,
    *,
    field: str | None = None,
) -> None:
    before = await walk(client, path, {}, page_size=200)
    response = await client.post(path, json=body, headers=headers)
    assert response.status_code == status, response.text
    after = await walk(client, path, {}, page_size=200)
    if status == 201:
        created = response.json()
        assert created["id"] not in before
        assert after == [*before, created["id"]]
        # The caller reads what it created.
        read = await client.get(f"{path}/{created['id']}", headers=headers)
        assert read.status_code == 200, read.text
        return
    assert response.headers["content-type"] == PROBLEM
    assert after == before
    if status == 403:
        assert response.json()["type"] == "urn:fazhi:problem:forbidden"
    else:
        assert response.json()["errors"][0]["field"] == field


@pytest.mark.parametrize(("caller", "region", "township", "status"), COMMITTEE_CREATES)
async def test_create_committee(
    client: httpx.AsyncClient,
    service_under_test: ServiceUnderTest,
    world: World,
    caller: str,
    region: str,
    township: str | None,
    status: int,
) -> None:
    body = {
        "region_code": region,
        "township_code": township,
        "name": "新调委会",
        "kind": "village",
    }
    headers = headers_of(service_under_test, caller, world)
    await assert_created(client, COLLECTIONS["committees"], body, headers, status)


@pytest.mark.parametrize(("caller", "region", "township", "status"), TRAINING_CREATES)
async def test_create_training(
    client: httpx.AsyncClient,
    service_under_test: ServiceUnderTest,
    world: World,
    caller: str,
    region: str,
    township: str | None,
    status: int,
) -> None:
    body = {
        "region_code": region,
        "township_code": township,
        "title": "培训",
        "held_on": "2023-06-01",
        "attendees_count": 12,
    }
    headers = headers_of(service_under_test, caller, world)
    await assert_created(client, COLLECTIONS["trainings"], body, headers, status)


@pytest.mark.parametrize(("caller", "committee", "township", "status"), DISPUTE_CREATES)
async def test_register_dispute(
    client: httpx.AsyncClient,
    service_under_test: ServiceUnderTest,
    world: World,
    caller: str,
    committee: str,
    township: str | None,
    status: int,
) -> None:
    body: dict[str, Any] = {
        "committee_id": str(world[committee]),
        "dispute_type": "neighbour",
        "source": "application",
        "summary": "相邻通行纠纷",
        "parties": [
            {"kind": "person", "name": "张某"},
            {"kind": "person", "name": "李某"},
        ],
        "registered_on": "2023-03-01",
    }
    if township is not None:
        body["township_code"] = township
    headers = headers_of(service_under_test, caller, world)
    await assert_created(
        client, COLLECTIONS["disputes"], body, headers, status, field="committee_id"
    )


@pytest.mark.parametrize(("caller", "committee", "status"), MEDIATOR_CREATES)
async def test_create_mediator(
    client: httpx.AsyncClient,
    service_under_test: ServiceUnderTest,
    world: World,
    caller: str,
    committee: str,
    status: int,
) -> None:
    body = {
        "committee_id": str(world[committee]),
        "name": "调解员乙",
        "employment": "part_time",
        "recruited_on": "2023-04-01",
    }
    headers = headers_of(service_under_test, caller, world)
    await assert_created(
        client, COLLECTIONS["mediators"], body, headers, status, field="committee_id"
    )


@pytest.mark.parametrize("collection", sorted(COLLECTIONS))
@pytest.mark.parametrize("narrower", ["township", "committee", "other_county"])
async def test_a_replayed_page_token_does_not_reveal_the_first_callers_records(
    client: httpx.AsyncClient,
    service_under_test: ServiceUnderTest,
    world: World,
    collection: str,
    narrower: str,
) -> None:
    """A token the provincial or county caller got is bound to the filters, not to the
    caller: replayed by a narrower caller it only continues that caller's own list."""
    path = COLLECTIONS[collection]
    everything = await walk(client, path, {}, page_size=200)
    for first in ("provincial", "county"):
        first_headers = headers_of(service_under_test, first, world)
        page = await client.get(path, params={"page_size": 1}, headers=first_headers)
        assert page.status_code == 200, page.text
        token = page.json()["next_page_token"]
        assert token
        cursor = everything.index(page.json()["items"][0]["id"])
        headers = headers_of(service_under_test, narrower, world)
        replayed = await walk(client, path, headers, page_size=1, page_token=token)
        expected = [
            i
            for i in everything[cursor + 1 :]
            if labels(world, [i]) <= VISIBLE[narrower]
        ]
        assert replayed == expected
        assert labels(world, replayed) <= VISIBLE[narrower] & RECORDS[collection]
