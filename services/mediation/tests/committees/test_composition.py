"""Members and term of a committee, and the warnings when a village or residents'
committee breaks the law's rules on them (人民调解法 Art. 8–9): 3 to 9 members, one chair,
a woman among them, a 3-year term. Warned, never refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from mediation.committees import service
from mediation.committees.models import CommitteeKind, MediationCommittee
from tests.committees.test_router import committee_body

CHAIR = {"name": "王主任", "sex": "male", "role": "chair"}
DEPUTY = {"name": "刘副主任", "sex": "female", "role": "deputy_chair"}


def member(n: int, sex: str = "male") -> dict[str, str]:
    return {"name": f"委员{n}", "sex": sex}


#: Three members, one chair, a woman: what the law asks of a village committee.
LAWFUL = [CHAIR, DEPUTY, member(1)]


def village(**overrides: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "kind": "village",
        "name": "大屋村人民调解委员会",
        "term_starts_on": "2023-01-01",
        "term_ends_on": "2025-12-31",
    }
    return committee_body(**{**defaults, **overrides})


def codes(committee: dict[str, Any]) -> list[str]:
    return [w["code"] for w in committee["warnings"]]


@pytest.fixture(autouse=True)
def on_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """Warnings are judged on a fixed day inside the terms below."""
    monkeypatch.setattr(service, "today", lambda: dt.date(2024, 6, 1))


async def create(client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/api/v1/committees", json=body)
    assert response.status_code == 201, response.text
    return response.json()


class TestWarnings:
    async def test_a_lawful_village_committee_has_no_warning(
        self, client: httpx.AsyncClient
    ) -> None:
        committee = await create(client, village(members=LAWFUL))
        assert committee["warnings"] == []
        assert committee["members"] == [
            CHAIR,
            DEPUTY,
            {**member(1), "role": "member"},
        ]
        assert committee["term_starts_on"] == "2023-01-01"
        assert committee["term_ends_on"] == "2025-12-31"
        read = await client.get(f"/api/v1/committees/{committee['id']}")
        assert read.json() == committee

    @pytest.mark.parametrize(
        ("members", "expected"),
        [
            ([], ["members_too_few", "no_woman_member", "no_chair"]),
            ([CHAIR, DEPUTY], ["members_too_few"]),
            ([CHAIR, *(member(n) for n in range(2))], ["no_woman_member"]),
            (
                [CHAIR, DEPUTY, *(member(n) for n in range(8))],
                ["members_too_many"],
            ),
            ([CHAIR, DEPUTY, *(member(n) for n in range(7))], []),  # nine: allowed
            ([DEPUTY, member(1), member(2)], ["no_chair"]),
            ([CHAIR, CHAIR, DEPUTY], ["more_than_one_chair"]),
        ],
        ids=[
            "none",
            "two",
            "no-woman",
            "ten",
            "nine",
            "no-chair",
            "two-chairs",
        ],
    )
    async def test_a_village_committee_breaking_the_rules_is_kept_with_warnings(
        self,
        client: httpx.AsyncClient,
        members: list[dict[str, str]],
        expected: list[str],
    ) -> None:
        committee = await create(client, village(members=members))
        assert codes(committee) == expected
        assert all(w["message"] for w in committee["warnings"])

    async def test_a_residents_committee_is_held_to_the_same_rules(
        self, client: httpx.AsyncClient
    ) -> None:
        committee = await create(
            client, village(kind="residents", members=[CHAIR, member(1), member(2)])
        )
        assert codes(committee) == ["no_woman_member"]

    @pytest.mark.parametrize(
        "kind", sorted(set(CommitteeKind) - CommitteeKind.elected())
    )
    async def test_other_kinds_are_not_held_to_them(
        self, client: httpx.AsyncClient, kind: str
    ) -> None:
        committee = await create(client, committee_body(kind=kind, members=[CHAIR]))
        assert committee["warnings"] == []

    async def test_a_term_longer_than_three_years(
        self, client: httpx.AsyncClient
    ) -> None:
        three_years = await create(
            client, village(members=LAWFUL, term_ends_on="2026-01-01")
        )
        assert codes(three_years) == []
        longer = await create(
            client, village(members=LAWFUL, term_ends_on="2026-01-02")
        )
        assert codes(longer) == ["term_longer_than_three_years"]

    async def test_an_ended_term_is_warned_for_any_committee(
        self, client: httpx.AsyncClient
    ) -> None:
        ended = await create(
            client,
            committee_body(
                kind="township",
                term_starts_on="2020-06-01",
                term_ends_on="2024-05-31",
            ),
        )
        assert codes(ended) == ["term_ended"]

    async def test_the_list_shows_the_warnings(self, client: httpx.AsyncClient) -> None:
        committee = await create(client, village(members=[CHAIR]))
        listed = (await client.get("/api/v1/committees")).json()["items"]
        assert [c["warnings"] for c in listed if c["id"] == committee["id"]] == [
            committee["warnings"]
        ]

    def test_29_february_plus_three_years(self) -> None:
        committee = MediationCommittee(
            kind=CommitteeKind.village,
            term_starts_on=dt.date(2024, 2, 29),
            term_ends_on=dt.date(2027, 2, 28),
            members=[],
        )
        found = service.committee_warnings(committee, as_of=dt.date(2024, 3, 1))
        assert "term_longer_than_three_years" not in [w.code for w in found]


class TestReplaceMembers:
    async def test_a_new_term_replaces_the_members_and_clears_the_warnings(
        self, client: httpx.AsyncClient
    ) -> None:
        committee = await create(client, village(members=[CHAIR]))
        assert "no_woman_member" in codes(committee)
        read = await client.get(f"/api/v1/committees/{committee['id']}")
        response = await client.put(
            f"/api/v1/committees/{committee['id']}/members",
            json={
                "term_starts_on": "2024-01-01",
                "term_ends_on": "2026-12-31",
                "members": LAWFUL,
            },
            headers={"If-Match": read.headers["etag"]},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["warnings"] == []
        assert [m["name"] for m in body["members"]] == ["王主任", "刘副主任", "委员1"]
        assert body["term_starts_on"] == "2024-01-01"
        assert body["version"] == committee["version"] + 1
        assert response.headers["etag"] == f'"{body["version"]}"'
        assert (
            await client.get(f"/api/v1/committees/{committee['id']}")
        ).json() == body
        audit = await client.get(
            "/api/v1/audit-events", params={"resource_id": committee["id"]}
        )
        assert audit.status_code == 200, audit.text
        events = audit.json()["items"]
        assert [e["action"] for e in events] == ["create", "replace_members"]
        assert events[1]["changes"]["members"][0] == CHAIR

    async def test_members_only_change_moves_the_version_on(
        self, client: httpx.AsyncClient
    ) -> None:
        committee = await create(client, village(members=LAWFUL))
        path = f"/api/v1/committees/{committee['id']}/members"
        same_term = {
            "term_starts_on": "2023-01-01",
            "term_ends_on": "2025-12-31",
            "members": [CHAIR, DEPUTY],
        }
        response = await client.put(
            path, json=same_term, headers={"If-Match": f'"{committee["version"]}"'}
        )
        assert response.status_code == 200, response.text
        assert codes(response.json()) == ["members_too_few"]
        stale = await client.put(
            path, json=same_term, headers={"If-Match": f'"{committee["version"]}"'}
        )
        assert stale.status_code == 412

    async def test_if_match_is_required(self, client: httpx.AsyncClient) -> None:
        committee = await create(client, village(members=LAWFUL))
        response = await client.put(
            f"/api/v1/committees/{committee['id']}/members", json={"members": []}
        )
        assert response.status_code == 428

    async def test_a_term_ending_before_it_starts_is_refused(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/api/v1/committees",
            json=village(term_starts_on="2024-01-01", term_ends_on="2023-12-31"),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "term_ends_on"

    async def test_unknown_committee_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.put(
            "/api/v1/committees/7d0f7a38-3c41-4c3c-9a5f-2f1a2f5a0b1c/members",
            json={"members": []},
            headers={"If-Match": '"1"'},
        )
        assert response.status_code == 404
