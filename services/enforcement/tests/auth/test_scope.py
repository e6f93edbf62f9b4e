"""Organisation scope (docs/auth.md): every caller sees, reads, changes and creates only the
records of its own organisation; a record outside it is not found (404), a new record
outside it is forbidden (403), a reference outside it is unknown (422).

The records: in county 421222 the agencies ``a_a`` and ``a_b``; in county 421223 the
agency ``a_x``. Each agency has an officer (``off_…``), a supervision instrument
(``ins_…``), a case-file review (``rev_…``), an inspection item (``item_…``), a lenient
list item (``len_…``) and a judgment performance item (``jp_…``). Teams: ``team_a``
(member a), ``team_ab`` (a and b), ``team_b``, ``team_x``. Random inspections:
``insp_a`` (led by a), ``insp_ba`` (led by b, a taking part), ``insp_b``, ``insp_x``.
County-wide records: the social supervisors ``sup`` and ``sup_x``, the campaigns
``camp`` and ``camp_x``; the problem clues ``clue_a``, ``clue_b`` (in ``camp``) and
``clue_x`` (in ``camp_x``).

No enforcement record belongs to a township (agencies are the county's), so a caller
restricted to township 421222100 acts, in this service, for its county: it sees what the
county sees. An agency-scoped caller sees its own agency (by id), the records carrying
its ``agency_id``, the teams it is a member of, the inspections it leads or takes part
in, and the county-wide social supervisors and campaigns; it creates only records of its
agency (not agencies, supervisors or campaigns).
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from shared.testing import ServiceUnderTest
from tests.factories import (
    OTHER_REGION,
    REGION,
    make_agency,
    make_campaign,
    make_clue,
    make_inspection,
    make_instrument,
    make_item,
    make_judgment,
    make_lenient_item,
    make_officer,
    make_review,
    make_supervisor,
    make_team,
)

T100 = "421222100"
SCOPES = {"enforcement:read", "enforcement:write"}
PROBLEM = "application/problem+json"
API = "/api/v1"

COLLECTIONS = {
    "agencies": f"{API}/enforcement-agencies",
    "teams": f"{API}/comprehensive-enforcement-teams",
    "officers": f"{API}/officers",
    "instruments": f"{API}/supervision-instruments",
    "reviews": f"{API}/case-file-reviews",
    "supervisors": f"{API}/social-supervisors",
    "items": f"{API}/inspection-items",
    "inspections": f"{API}/random-inspections",
    "lenient": f"{API}/lenient-enforcement-list-items",
    "campaigns": f"{API}/special-campaigns",
    "clues": f"{API}/problem-clues",
    "judgments": f"{API}/judgment-performances",
}
NOT_FOUND = {
    "agencies": "agency-not-found",
    "teams": "team-not-found",
    "officers": "officer-not-found",
    "instruments": "instrument-not-found",
    "reviews": "case-file-review-not-found",
    "supervisors": "social-supervisor-not-found",
    "items": "inspection-item-not-found",
    "inspections": "random-inspection-not-found",
    "lenient": "lenient-item-not-found",
    "campaigns": "special-campaign-not-found",
    "clues": "problem-clue-not-found",
    "judgments": "judgment-performance-not-found",
}
#: A valid lifecycle command of each collection that has ``/events``.
COMMANDS: dict[str, dict[str, Any]] = {
    "teams": {"type": "dissolve", "occurred_on": "2023-09-30"},
    "officers": {"type": "record_training", "occurred_on": "2023-04-15"},
    "instruments": {
        "type": "record_reply",
        "occurred_on": "2023-03-10",
        "reply": "已整改",
    },
    "items": {"type": "delist", "occurred_on": "2023-07-01"},
    "inspections": {"type": "publish_results", "occurred_on": "2023-06-20"},
    "clues": {"type": "rectify", "occurred_on": "2023-06-30"},
    "judgments": {"type": "rectify", "occurred_on": "2023-05-20"},
}

#: Every record by collection.
RECORDS = {
    "agencies": {"a_a", "a_b", "a_x"},
    "teams": {"team_a", "team_ab", "team_b", "team_x"},
    "officers": {"off_a", "off_b", "off_x"},
    "instruments": {"ins_a", "ins_b", "ins_x"},
    "reviews": {"rev_a", "rev_b", "rev_x"},
    "supervisors": {"sup", "sup_x"},
    "items": {"item_a", "item_b", "item_x"},
    "inspections": {"insp_a", "insp_ba", "insp_b", "insp_x"},
    "lenient": {"len_a", "len_b", "len_x"},
    "campaigns": {"camp", "camp_x"},
    "clues": {"clue_a", "clue_b", "clue_x"},
    "judgments": {"jp_a", "jp_b", "jp_x"},
}
ALL = set().union(*RECORDS.values())
COUNTY = {label for label in ALL if not label.endswith("_x")}
OTHER_COUNTY = ALL - COUNTY

CALLERS = ["county", "township", "agency_a", "agency_b", "other_county", "provincial"]

#: What each caller may see.
VISIBLE: dict[str, set[str]] = {
    "county": COUNTY,
    # No enforcement record belongs to a township: the township's caller sees its county.
    "township": COUNTY,
    # Its agency (by id), its teams and inspections (member, lead or participant), the
    # records with its agency_id and the county-wide supervisors and campaigns.
    "agency_a": {
        *("a_a", "team_a", "team_ab", "off_a", "ins_a", "rev_a", "sup", "item_a"),
        *("insp_a", "insp_ba", "len_a", "camp", "clue_a", "jp_a"),
    },
    "agency_b": {
        *("a_b", "team_ab", "team_b", "off_b", "ins_b", "rev_b", "sup", "item_b"),
        *("insp_ba", "insp_b", "len_b", "camp", "clue_b", "jp_b"),
    },
    "other_county": OTHER_COUNTY,
    "provincial": ALL,
}

World = dict[str, uuid.UUID]


@pytest.fixture
async def world(session: AsyncSession) -> World:
    a = await make_agency(session)
    b = await make_agency(session)
    x = await make_agency(session, region_code=OTHER_REGION)
    ids: World = {"a_a": a.id, "a_b": b.id, "a_x": x.id}
    items = {}
    for suffix, agency in (("a", a), ("b", b), ("x", x)):
        ids[f"off_{suffix}"] = (await make_officer(session, agency)).id
        ids[f"ins_{suffix}"] = (await make_instrument(session, agency)).id
        ids[f"rev_{suffix}"] = (await make_review(session, agency)).id
        items[agency.id] = await make_item(session, agency)
        ids[f"item_{suffix}"] = items[agency.id].id
        ids[f"len_{suffix}"] = (await make_lenient_item(session, agency)).id
        ids[f"jp_{suffix}"] = (await make_judgment(session, agency)).id
    teams = {
        "team_a": ([a], REGION),
        "team_ab": ([a, b], REGION),
        "team_b": ([b], REGION),
        "team_x": ([x], OTHER_REGION),
    }
    for label, (members, region) in teams.items():
        ids[label] = (await make_team(session, members, region_code=region)).id
    inspections = {
        "insp_a": (a, []),
        "insp_ba": (b, [a]),
        "insp_b": (b, []),
        "insp_x": (x, []),
    }
    for label, (lead, participants) in inspections.items():
        inspection = await make_inspection(
            session, lead, [items[lead.id]], participants=participants
        )
        ids[label] = inspection.id
    ids["sup"] = (await make_supervisor(session)).id
    ids["sup_x"] = (await make_supervisor(session, region_code=OTHER_REGION)).id
    camp = await make_campaign(session)
    camp_x = await make_campaign(session, region_code=OTHER_REGION)
    ids["camp"], ids["camp_x"] = camp.id, camp_x.id
    ids["clue_a"] = (await make_clue(session, camp, a)).id
    ids["clue_b"] = (await make_clue(session, camp, b)).id
    ids["clue_x"] = (await make_clue(session, camp_x, x)).id
    await session.flush()
    assert set(ids) == ALL
    return ids


def org_of(caller: str, world: World) -> dict[str, Any]:
    return {
        "county": {"region_code": REGION},
        "township": {"region_code": REGION, "township_code": T100},
        "agency_a": {"region_code": REGION, "agency_id": str(world["a_a"])},
        "agency_b": {"region_code": REGION, "agency_id": str(world["a_b"])},
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
    page_size: int = 2,
    page_token: str | None = None,
    params: dict[str, str] | None = None,
) -> list[str]:
    """Every id of a collection, page by page, from ``page_token`` on."""
    ids: list[str] = []
    while True:
        query: dict[str, str | int] = {**(params or {}), "page_size": page_size}
        if page_token:
            query["page_token"] = page_token
        response = await client.get(path, params=query, headers=headers)
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


def collection_of(label: str) -> str:
    return next(name for name, records in RECORDS.items() if label in records)


def assert_problem(response: httpx.Response, status: int, slug: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == f"urn:fazhi:problem:{slug}"


def assert_unknown(response: httpx.Response, field: str) -> None:
    assert_problem(response, 422, "validation-error")
    errors = response.json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [(field, "unknown")], errors


# --- request bodies ---------------------------------------------------------------------


def _suffix() -> str:
    return uuid.uuid4().hex[:8]


def agency_body(region: str) -> dict[str, Any]:
    return {"region_code": region, "name": f"新设局{_suffix()}", "sector": "交通运输"}


def team_body(region: str, members: list[uuid.UUID]) -> dict[str, Any]:
    return {
        "region_code": region,
        "name": f"综合执法大队{_suffix()}",
        "established_on": "2023-03-01",
        "member_agency_ids": [str(m) for m in members],
    }


def supervisor_body(region: str) -> dict[str, Any]:
    return {
        "region_code": region,
        "name": "监督员乙",
        "sector": "律师",
        "enterprise_related": False,
        "appointed_on": "2023-05-01",
        "term_ends_on": "2026-04-30",
    }


def campaign_body(region: str) -> dict[str, Any]:
    return {"region_code": region, "name": "专项督察", "started_on": "2022-03-01"}


def officer_body(agency: uuid.UUID) -> dict[str, Any]:
    return {
        "agency_id": str(agency),
        "name": "执法员乙",
        "certificate_number": f"S{_suffix()}",
        "certificate_valid_until": "2028-12-31",
        "hired_on": "2023-03-01",
    }


def instrument_body(
    agency: uuid.UUID, follow_up_of: uuid.UUID | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "opinion",
        "agency_id": str(agency),
        "findings": "执法文书不规范",
        "required_actions": "限期整改",
        "issued_on": "2023-04-01",
    }
    if follow_up_of is not None:
        body["follow_up_of"] = str(follow_up_of)
    return body


def review_body(agency: uuid.UUID) -> dict[str, Any]:
    return {
        "agency_id": str(agency),
        "case_reference": f"通执罚〔2023〕{_suffix()}号",
        "reviewed_on": "2023-06-01",
        "reviewer": "评查员",
        "total_score": "85.5",
    }


def item_body(agency: uuid.UUID) -> dict[str, Any]:
    return {"agency_id": str(agency), "name": "抽查事项", "listed_on": "2022-01-01"}


def inspection_body(
    lead: uuid.UUID,
    items: list[uuid.UUID],
    participants: list[uuid.UUID] | None = None,
) -> dict[str, Any]:
    return {
        "inspected_on": "2023-06-01",
        "lead_agency_id": str(lead),
        "participating_agency_ids": [str(p) for p in participants or []],
        "inspection_item_ids": [str(i) for i in items],
        "entities_inspected": 3,
    }


def lenient_body(agency: uuid.UUID) -> dict[str, Any]:
    return {
        "agency_id": str(agency),
        "measure": "no_penalty",
        "matter": "首次轻微违法",
        "legal_basis": "《中华人民共和国行政处罚法》第三十三条",
        "effective_on": "2023-04-01",
    }


def clue_body(agency: uuid.UUID) -> dict[str, Any]:
    return {"agency_id": str(agency), "found_on": "2023-05-01", "description": "线索"}


def judgment_body(agency: uuid.UUID) -> dict[str, Any]:
    return {
        "agency_id": str(agency),
        "judgment_reference": f"(2023)鄂1222行初{_suffix()}号",
        "found_on": "2022-10-01",
    }


#: Per caller: its home county, its agency (the one it creates records for), that
#: agency's inspection item and a campaign it sees.
HOME = {
    "county": ("421222", "a", "camp"),
    "township": ("421222", "a", "camp"),
    "agency_a": ("421222", "a", "camp"),
    "agency_b": ("421222", "b", "camp"),
    "other_county": ("421223", "x", "camp_x"),
    "provincial": ("421222", "a", "camp"),
}
#: Per restricted caller: a county, an agency and a campaign outside its organisation.
AWAY = {
    "county": ("421223", "x", "camp_x"),
    "township": ("421223", "x", "camp_x"),
    "agency_a": ("421223", "b", "camp_x"),
    "agency_b": ("421223", "a", "camp_x"),
    "other_county": ("421222", "a", "camp"),
}
AGENCY_CALLERS = {"agency_a", "agency_b"}


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

    async def test_a_campaigns_clues_are_the_callers_only(
        self,
        client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
        world: World,
        caller: str,
    ) -> None:
        """The child collection of a campaign: 404 outside the caller's county; within
        it, only the clues the caller may see (an agency's staff: their agency's)."""
        headers = headers_of(service_under_test, caller, world)
        clues_of = {"camp": {"clue_a", "clue_b"}, "camp_x": {"clue_x"}}
        for campaign, clues in clues_of.items():
            path = f"{COLLECTIONS['campaigns']}/{world[campaign]}/problem-clues"
            if campaign not in VISIBLE[caller]:
                response = await client.get(path, headers=headers)
                assert_problem(response, 404, NOT_FOUND["campaigns"])
                continue
            ids = await walk(client, path, headers, page_size=1)
            assert labels(world, ids) == clues & VISIBLE[caller], campaign

    async def test_filters_cannot_widen_the_scope(
        self,
        client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
        world: World,
        caller: str,
    ) -> None:
        """Filtering by an agency or county answers its records the caller may see."""
        headers = headers_of(service_under_test, caller, world)
        for name in ("officers", "items", "inspections", "teams", "clues"):
            for agency in ("a_a", "a_b", "a_x"):
                ids = await walk(
                    client,
                    COLLECTIONS[name],
                    headers,
                    params={"agency_id": str(world[agency])},
                )
                unfiltered = await walk(client, COLLECTIONS[name], headers)
                assert set(ids) <= set(unfiltered), (name, agency)
                assert labels(world, ids) <= VISIBLE[caller], (name, agency)
        for name in ("agencies", "supervisors", "campaigns"):
            ids = await walk(
                client, COLLECTIONS[name], headers, params={"region_code": "421223"}
            )
            assert labels(world, ids) == VISIBLE[caller] & RECORDS[name] & OTHER_COUNTY

    async def test_read_by_id_answers_404_outside_the_organisation(
        self,
        client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
        world: World,
        caller: str,
    ) -> None:
        headers = headers_of(service_under_test, caller, world)
        for label in sorted(ALL):
            name = collection_of(label)
            path = f"{COLLECTIONS[name]}/{world[label]}"
            response = await client.get(path, headers=headers)
            if label in VISIBLE[caller]:
                assert response.status_code == 200, (label, response.text)
                assert response.json()["id"] == str(world[label])
            else:
                assert_problem(response, 404, NOT_FOUND[name])
                assert str(world[label]) in response.json()["detail"]
            if name in COMMANDS:
                history = await client.get(f"{path}/events", headers=headers)
                if label in VISIBLE[caller]:
                    assert history.status_code == 200, (label, history.text)
                else:
                    assert_problem(history, 404, NOT_FOUND[name])

    async def test_lifecycle_commands_reach_only_the_callers_records(
        self,
        client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
        world: World,
        caller: str,
    ) -> None:
        """A command on a record outside the organisation answers 404 and changes
        nothing (the record, its version and its history are as before)."""
        headers = headers_of(service_under_test, caller, world)
        for name, command in COMMANDS.items():
            for label in sorted(RECORDS[name]):
                path = f"{COLLECTIONS[name]}/{world[label]}"
                before = (await client.get(path)).json()
                response = await client.post(
                    f"{path}/events", json=command, headers=headers
                )
                after = (await client.get(path)).json()
                history = (await client.get(f"{path}/events")).json()["items"]
                if label in VISIBLE[caller]:
                    assert response.status_code == 200, (label, response.text)
                    assert after["version"] == before["version"] + 1
                    assert history[-1]["actor"] == f"{caller}-user"
                else:
                    assert_problem(response, 404, NOT_FOUND[name])
                    assert after == before, label
                    assert all(e["actor"] != f"{caller}-user" for e in history)

    async def test_creates_within_the_organisation(
        self,
        client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
        world: World,
        caller: str,
    ) -> None:
        """Every record a caller may create, in its organisation: 201, and the caller
        reads it back. County-wide records (agencies, social supervisors, campaigns) are
        not an agency's: an agency's staff get 403."""
        headers = headers_of(service_under_test, caller, world)
        region, agency_label, campaign = HOME[caller]
        agency = world[f"a_{agency_label}"]
        item = world[f"item_{agency_label}"]
        county_wide = {
            "agencies": agency_body(region),
            "supervisors": supervisor_body(region),
            "campaigns": campaign_body(region),
        }
        for name, body in county_wide.items():
            response = await client.post(COLLECTIONS[name], json=body, headers=headers)
            if caller in AGENCY_CALLERS:
                assert_problem(response, 403, "forbidden")
            else:
                assert response.status_code == 201, (name, response.text)
        of_agency = {
            COLLECTIONS["teams"]: team_body(region, [agency]),
            COLLECTIONS["officers"]: officer_body(agency),
            COLLECTIONS["instruments"]: instrument_body(
                agency, follow_up_of=world[f"ins_{agency_label}"]
            ),
            COLLECTIONS["reviews"]: review_body(agency),
            COLLECTIONS["items"]: item_body(agency),
            COLLECTIONS["inspections"]: inspection_body(agency, [item]),
            COLLECTIONS["lenient"]: lenient_body(agency),
            COLLECTIONS["judgments"]: judgment_body(agency),
            f"{COLLECTIONS['campaigns']}/{world[campaign]}/problem-clues": clue_body(
                agency
            ),
        }
        for path, body in of_agency.items():
            response = await client.post(path, json=body, headers=headers)
            assert response.status_code == 201, (path, response.text)
            location = response.headers["location"]
            read = await client.get(location, headers=headers)
            assert read.status_code == 200, (location, read.text)


@pytest.mark.parametrize("caller", sorted(AWAY))
async def test_creates_outside_the_organisation(
    client: httpx.AsyncClient,
    service_under_test: ServiceUnderTest,
    world: World,
    caller: str,
) -> None:
    """A record of another county answers 403; a reference to a record outside the
    organisation is unknown (422 naming the field); nothing is created."""
    headers = headers_of(service_under_test, caller, world)
    region, agency_label, campaign = HOME[caller]
    home_agency = world[f"a_{agency_label}"]
    home_item = world[f"item_{agency_label}"]
    away_region, away_label, away_campaign = AWAY[caller]
    away = world[f"a_{away_label}"]
    counts = {
        name: len(await walk(client, path, {}, page_size=200))
        for name, path in COLLECTIONS.items()
    }
    forbidden = {
        "agencies": agency_body(away_region),
        "teams": team_body(away_region, [home_agency]),
        "supervisors": supervisor_body(away_region),
        "campaigns": campaign_body(away_region),
    }
    for name, body in forbidden.items():
        response = await client.post(COLLECTIONS[name], json=body, headers=headers)
        assert_problem(response, 403, "forbidden")
    unknown = [
        ("teams", team_body(region, [away]), "member_agency_ids.0"),
        ("teams", team_body(region, [home_agency, away]), "member_agency_ids.1"),
        ("officers", officer_body(away), "agency_id"),
        ("instruments", instrument_body(away), "agency_id"),
        (
            "instruments",
            instrument_body(home_agency, follow_up_of=world[f"ins_{away_label}"]),
            "follow_up_of",
        ),
        ("reviews", review_body(away), "agency_id"),
        ("items", item_body(away), "agency_id"),
        (
            "inspections",
            inspection_body(away, [world[f"item_{away_label}"]]),
            "lead_agency_id",
        ),
        (
            "inspections",
            inspection_body(home_agency, [home_item], participants=[away]),
            "participating_agency_ids.0",
        ),
        (
            "inspections",
            inspection_body(home_agency, [world[f"item_{away_label}"]]),
            "inspection_item_ids.0",
        ),
        ("lenient", lenient_body(away), "agency_id"),
        ("judgments", judgment_body(away), "agency_id"),
    ]
    for name, body, field in unknown:
        response = await client.post(COLLECTIONS[name], json=body, headers=headers)
        assert_unknown(response, field)
    clues = f"{COLLECTIONS['campaigns']}/{{}}/problem-clues"
    response = await client.post(
        clues.format(world[campaign]), json=clue_body(away), headers=headers
    )
    assert_unknown(response, "agency_id")
    response = await client.post(
        clues.format(world[away_campaign]),
        json=clue_body(home_agency),
        headers=headers,
    )
    assert_problem(response, 404, NOT_FOUND["campaigns"])
    for name, path in COLLECTIONS.items():
        assert len(await walk(client, path, {}, page_size=200)) == counts[name]


#: (first caller, narrower caller replaying the first caller's page token)
REPLAYS = [
    ("provincial", "county"),
    ("provincial", "other_county"),
    ("county", "agency_a"),
    ("township", "agency_b"),
    ("provincial", "agency_b"),
]


@pytest.mark.parametrize(("first", "second"), REPLAYS)
async def test_a_page_token_confers_no_access(
    client: httpx.AsyncClient,
    service_under_test: ServiceUnderTest,
    world: World,
    first: str,
    second: str,
) -> None:
    """A page token obtained by one caller and replayed by a caller with a narrower
    organisation answers only the second caller's records after the token's position."""
    first_headers = headers_of(service_under_test, first, world)
    second_headers = headers_of(service_under_test, second, world)
    replayed_in = set()
    for name, path in COLLECTIONS.items():
        everything = await walk(client, path, first_headers, page_size=200)
        if len(everything) < 2:
            continue  # one page only: no token to replay
        page = await client.get(path, params={"page_size": 1}, headers=first_headers)
        assert page.status_code == 200, page.text
        token = page.json()["next_page_token"]
        assert token, name
        assert page.json()["items"][0]["id"] == everything[0]
        replayed = await walk(
            client, path, second_headers, page_size=1, page_token=token
        )
        expected = [i for i in everything[1:] if labels(world, [i]) <= VISIBLE[second]]
        assert replayed == expected, name
        assert labels(world, replayed) <= VISIBLE[second]
        replayed_in.add(name)
    assert len(replayed_in) >= 10, replayed_in
