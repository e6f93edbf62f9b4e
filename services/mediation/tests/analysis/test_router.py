"""The county's analysis (GET /api/v1/analysis) on a fixture of 200 disputes over two
townships and 14 months (2023-01 to 2024-02), every figure written out by hand below from
how the fixture is built, never recomputed by the code under test.

The fixture, all registered through the API (committees C1 and C3 in township T1, C2 in
township T2):

- 13 *regular* months, 2023-01 to 2024-01, each with 12 disputes on days 5 to 16:
  C1 neighbour ×2 (resolved after 5 days), marriage_family ×2 (10 days, follow-up:
  performed), contract ×1 (20 days, follow-up: performed; judicial confirmation applied
  for in 2023: confirmed for 2023-01..06, refused for 07..09, pending for 10..12),
  C3 land_forest ×1 (source own_initiative, failed after 15 days), C2 neighbour ×3
  (5 days), labour ×2 (8 days), traffic_accident ×1 (12 days, follow-up: not performed).
  Source application unless said otherwise. 13 × 12 = 156 disputes.
- C2 medical (referral) on 2023-03-20, 06-20, 09-20, resolved after 30 days: 3.
- C1 contract on 2024-01-30 (the day before the rising window), resolved after 20 days,
  follow-up performed: 1.
- The rising window 2024-01-31..2024-02-29, 40 disputes: T2 labour ×12 (referral, one on
  2024-01-31), T1 neighbour ×4, marriage_family ×3, contract ×5, land_forest ×1 (C3,
  own_initiative), damages ×3 (registered from a screening round: source screening,
  resolved after 3 days), T2 neighbour ×5, traffic_accident ×2, consumer ×2 (resolved
  after 2 and 5 days), medical ×3 (referral). Only damages and consumer are concluded.

Total 156 + 3 + 1 + 40 = 200. Not counted: a T1 dispute of 2022-12-20 and one of another
county.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import httpx
import pytest

from shared.testing import ServiceUnderTest

T1 = "421222100"
T2 = "421222101"
ANALYSIS = "/api/v1/analysis"
QUERY = {"region_code": "421222", "start": "2023-01-01", "end": "2024-02-29"}


class Fixture:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.committees: dict[str, str] = {}

    async def committee(
        self, label: str, region: str, township: str, kind: str
    ) -> None:
        response = await self.client.post(
            "/api/v1/committees",
            json={
                "region_code": region,
                "township_code": township,
                "name": f"{label}人民调解委员会",
                "kind": kind,
            },
        )
        assert response.status_code == 201, response.text
        self.committees[label] = response.json()["id"]

    def body(
        self, committee: str, dispute_type: str, day: dt.date, source: str
    ) -> dict[str, Any]:
        return {
            "committee_id": self.committees[committee],
            "dispute_type": dispute_type,
            "source": source,
            "summary": "纠纷",
            "parties": [
                {"kind": "person", "name": "张某"},
                {"kind": "person", "name": "李某"},
            ],
            "registered_on": day.isoformat(),
        }

    async def register(
        self,
        committee: str,
        dispute_type: str,
        day: dt.date,
        source: str = "application",
    ) -> str:
        response = await self.client.post(
            "/api/v1/disputes", json=self.body(committee, dispute_type, day, source)
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def command(self, dispute_id: str, body: dict[str, Any]) -> None:
        response = await self.client.post(
            f"/api/v1/disputes/{dispute_id}/events", json=body
        )
        assert response.status_code == 200, response.text

    async def conclude(
        self,
        dispute_id: str,
        registered_on: dt.date,
        *,
        resolve_after: int | None = None,
        fail_after: int | None = None,
        performed: bool | None = None,
        confirmation: str | None = None,
    ) -> None:
        on = registered_on.isoformat()
        await self.command(dispute_id, {"type": "start_mediation", "occurred_on": on})
        if fail_after is not None:
            day = registered_on + dt.timedelta(days=fail_after)
            await self.command(
                dispute_id,
                {"type": "fail", "occurred_on": day.isoformat(), "reason": "未达成"},
            )
            return
        assert resolve_after is not None
        day = registered_on + dt.timedelta(days=resolve_after)
        await self.command(
            dispute_id,
            {
                "type": "resolve",
                "occurred_on": day.isoformat(),
                "agreement": {"form": "written", "terms": "双方同意"},
            },
        )
        if performed is not None:
            visit = day + dt.timedelta(days=1)
            await self.command(
                dispute_id,
                {
                    "type": "follow_up",
                    "occurred_on": visit.isoformat(),
                    "performed": performed,
                },
            )
        if confirmation is not None:
            applied = day + dt.timedelta(days=5)
            await self.command(
                dispute_id,
                {"type": "apply_for_confirmation", "occurred_on": applied.isoformat()},
            )
            decided = (day + dt.timedelta(days=15)).isoformat()
            if confirmation == "confirmed":
                await self.command(
                    dispute_id, {"type": "confirm_agreement", "occurred_on": decided}
                )
            elif confirmation == "refused":
                await self.command(
                    dispute_id,
                    {
                        "type": "refuse_confirmation",
                        "occurred_on": decided,
                        "reason": "内容不明确",
                    },
                )

    async def regular_month(self, year: int, month: int) -> None:
        def day(n: int) -> dt.date:
            return dt.date(year, month, n)

        confirmation = None
        if year == 2023:
            confirmation = (
                "confirmed" if month <= 6 else "refused" if month <= 9 else "pending"
            )
        plan: list[tuple[str, str, str, dict[str, Any]]] = [
            ("C1", "neighbour", "application", {"resolve_after": 5}),
            ("C1", "neighbour", "application", {"resolve_after": 5}),
            (
                "C1",
                "marriage_family",
                "application",
                {"resolve_after": 10, "performed": True},
            ),
            (
                "C1",
                "marriage_family",
                "application",
                {"resolve_after": 10, "performed": True},
            ),
            (
                "C1",
                "contract",
                "application",
                {"resolve_after": 20, "performed": True, "confirmation": confirmation},
            ),
            ("C3", "land_forest", "own_initiative", {"fail_after": 15}),
            ("C2", "neighbour", "application", {"resolve_after": 5}),
            ("C2", "neighbour", "application", {"resolve_after": 5}),
            ("C2", "neighbour", "application", {"resolve_after": 5}),
            ("C2", "labour", "application", {"resolve_after": 8}),
            ("C2", "labour", "application", {"resolve_after": 8}),
            (
                "C2",
                "traffic_accident",
                "application",
                {"resolve_after": 12, "performed": False},
            ),
        ]
        for n, (committee, dispute_type, source, outcome) in enumerate(plan, start=5):
            dispute_id = await self.register(committee, dispute_type, day(n), source)
            await self.conclude(dispute_id, day(n), **outcome)

    async def screening_round(self, days: list[dt.date]) -> None:
        """A township round in T1 on 2024-02-01 that found the three damages disputes."""
        created = await self.client.post(
            "/api/v1/screening-rounds",
            json={
                "region_code": "421222",
                "township_code": T1,
                "committee_id": self.committees["C1"],
                "level": "township",
                "area": "隽水镇",
                "screened_on": "2024-02-01",
                "disputes_found": len(days),
            },
        )
        assert created.status_code == 201, created.text
        path = created.headers["location"]
        for day in days:
            etag = (await self.client.get(path)).headers["etag"]
            body = self.body("C1", "damages", day, "screening")
            response = await self.client.post(
                f"{path}/disputes", json=body, headers={"If-Match": etag}
            )
            assert response.status_code == 201, response.text
            await self.conclude(response.json()["id"], day, resolve_after=3)


async def build(client: httpx.AsyncClient) -> None:
    f = Fixture(client)
    await f.committee("C1", "421222", T1, "township")
    await f.committee("C3", "421222", T1, "village")
    await f.committee("C2", "421222", T2, "township")
    await f.committee("C_other", "421223", "421223100", "township")
    for year, month in [(2023, m) for m in range(1, 13)] + [(2024, 1)]:
        await f.regular_month(year, month)
    for month in (3, 6, 9):
        day = dt.date(2023, month, 20)
        dispute_id = await f.register("C2", "medical", day, "referral")
        await f.conclude(dispute_id, day, resolve_after=30)
    boundary = dt.date(2024, 1, 30)
    dispute_id = await f.register("C1", "contract", boundary)
    await f.conclude(dispute_id, boundary, resolve_after=20, performed=True)

    def feb(n: int) -> dt.date:
        return dt.date(2024, 2, n)

    # The window: open disputes.
    await f.register("C2", "labour", dt.date(2024, 1, 31), "referral")
    for n in range(6, 17):  # 11 more
        await f.register("C2", "labour", feb(n), "referral")
    for n in (17, 18, 19, 20):
        await f.register("C1", "neighbour", feb(n))
    for n in (21, 22, 23):
        await f.register("C1", "marriage_family", feb(n))
    for n in (24, 25, 26, 27, 28):
        await f.register("C1", "contract", feb(n))
    await f.register("C3", "land_forest", feb(29), "own_initiative")
    for n in (7, 8, 9, 10, 11):
        await f.register("C2", "neighbour", feb(n))
    for n in (12, 13):
        await f.register("C2", "traffic_accident", feb(n))
    for n in (14, 15, 16):
        await f.register("C2", "medical", feb(n), "referral")
    # The window: concluded disputes.
    await f.screening_round([feb(1), feb(2), feb(3)])
    consumer = await f.register("C2", "consumer", feb(4))
    await f.conclude(consumer, feb(4), resolve_after=2)
    consumer = await f.register("C2", "consumer", feb(5))
    await f.conclude(consumer, feb(5), resolve_after=5)
    # Not counted anywhere.
    await f.register("C1", "neighbour", dt.date(2022, 12, 20))
    await f.register("C_other", "labour", feb(10))


def summary(group: dict[str, Any]) -> tuple[Any, ...]:
    """(count, resolved, failed, rate value, rate display, median days)."""
    rate = group["resolution_rate"]
    assert rate["numerator"] == group["resolved"]
    assert rate["denominator"] == group["count"]
    return (
        group["count"],
        group["resolved"],
        group["failed"],
        rate["value"],
        rate["display"],
        group["median_days_to_resolve"],
    )


def figures(breakdown: dict[str, dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    return {key: summary(group) for key, group in breakdown.items()}


#: Months 2023-01..12 other than 03, 06, 09: 12 disputes, 11 resolved (median of
#: 5,5,5,5,5,8,8,10,10,12,20 = 8), the land_forest one failed.
PLAIN_MONTH = (12, 11, 1, "0.916667", "91.7%", "8.0")
#: 2023-03, 06, 09: plus the medical one (30 days): 12 resolved, median (8 + 8) / 2.
MEDICAL_MONTH = (13, 12, 1, "0.923077", "92.3%", "8.0")


class TestAnalysis:
    async def test_every_figure_equals_the_hand_count(
        self, client: httpx.AsyncClient
    ) -> None:
        await build(client)
        response = await client.get(ANALYSIS, params=QUERY)
        assert response.status_code == 200, response.text
        analysis = response.json()
        assert analysis["period"] == {"start": "2023-01-01", "end": "2024-02-29"}
        assert analysis["as_of"] == "2024-02-29"

        # 152 resolved: 11 a regular month × 13 + 3 medical + the 2024-01-30 contract +
        # 3 damages + 2 consumer; 13 failed (land_forest). Median of the 152: values
        # sorted 2, 3×3, 5×66, 8×26, ...: the 76th and 77th are 8.
        assert summary(analysis["totals"]) == (
            200,
            152,
            13,
            "0.760000",
            "76.0%",
            "8.0",
        )
        breakdowns = analysis["breakdowns"]
        assert figures(breakdowns["dispute_type"]) == {
            # T1 2×13 + 4, T2 3×13 + 5; the 9 in the window are open.
            "neighbour": (74, 65, 0, "0.878378", "87.8%", "5.0"),
            "marriage_family": (29, 26, 0, "0.896552", "89.7%", "10.0"),
            # 13 regular + the 2024-01-30 one resolved; the window's 5 open.
            "contract": (19, 14, 0, "0.736842", "73.7%", "20.0"),
            "land_forest": (14, 0, 13, "0.000000", "0.0%", None),
            "damages": (3, 3, 0, "1.000000", "100.0%", "3.0"),
            "labour": (38, 26, 0, "0.684211", "68.4%", "8.0"),
            "traffic_accident": (15, 13, 0, "0.866667", "86.7%", "12.0"),
            # 2 and 5 days: the mean of the two.
            "consumer": (2, 2, 0, "1.000000", "100.0%", "3.5"),
            "medical": (6, 3, 0, "0.500000", "50.0%", "30.0"),
        }
        # T1: 6 × 13 + 1 + 16 = 95; resolved 26 + 26 + 14 + 3 = 69, sorted 3×3, 5×26,
        # 10×26, 20×14: the 35th is 10. T2: 6 × 13 + 3 + 24 = 105; resolved
        # 39 + 26 + 13 + 2 + 3 = 83, sorted 2, 5×40, 8×26, ...: the 42nd is 8.
        assert figures(breakdowns["township"]) == {
            T1: (95, 69, 13, "0.726316", "72.6%", "10.0"),
            T2: (105, 83, 0, "0.790476", "79.0%", "8.0"),
        }
        committees = {
            label: committee_id
            for committee_id, label in (await committee_names(client)).items()
        }
        assert figures(breakdowns["committee"]) == {
            committees["C1"]: (81, 69, 0, "0.851852", "85.2%", "10.0"),
            committees["C3"]: (14, 0, 13, "0.000000", "0.0%", None),
            committees["C2"]: (105, 83, 0, "0.790476", "79.0%", "8.0"),
        }
        # referral: 12 labour of the window + 6 medical; screening: the 3 damages;
        # own_initiative: the 14 land_forest; application: the other 165, of which all
        # but the 3 medical and 3 damages of the 152 resolved (146): sorted 2, 5×66,
        # 8×26: the 73rd and 74th are 8.
        assert figures(breakdowns["source"]) == {
            "application": (165, 146, 0, "0.884848", "88.5%", "8.0"),
            "own_initiative": (14, 0, 13, "0.000000", "0.0%", None),
            "referral": (18, 3, 0, "0.166667", "16.7%", "30.0"),
            "screening": (3, 3, 0, "1.000000", "100.0%", "3.0"),
        }
        assert figures(breakdowns["month"]) == {
            "2023-01": PLAIN_MONTH,
            "2023-02": PLAIN_MONTH,
            "2023-03": MEDICAL_MONTH,
            "2023-04": PLAIN_MONTH,
            "2023-05": PLAIN_MONTH,
            "2023-06": MEDICAL_MONTH,
            "2023-07": PLAIN_MONTH,
            "2023-08": PLAIN_MONTH,
            "2023-09": MEDICAL_MONTH,
            "2023-10": PLAIN_MONTH,
            "2023-11": PLAIN_MONTH,
            "2023-12": PLAIN_MONTH,
            # 12 regular + 2024-01-30 contract (resolved) + 2024-01-31 labour (open):
            # 12 resolved, 5×5, 8, 8, 10, 10, 12, 20, 20: (8 + 8) / 2.
            "2024-01": (14, 12, 1, "0.857143", "85.7%", "8.0"),
            # 39 of the window; damages 3, 3, 3 and consumer 2, 5 resolved: median 3.
            "2024-02": (39, 5, 0, "0.128205", "12.8%", "3.0"),
        }

        rates = analysis["rates"]

        def shape(key: str) -> tuple[Any, ...]:
            r = rates[key]
            return (r["numerator"], r["denominator"], r["value"], r["display"])

        # Performed: 26 marriage_family + 14 contract agreements of 152.
        assert shape("agreement_performance_rate") == (40, 152, "0.263158", "26.3%")
        # Confirmed: the contracts of 2023-01..06; applied: those of 2023-01..12.
        assert shape("judicial_confirmation_rate") == (6, 152, "0.039474", "3.9%")
        assert shape("judicial_confirmation_rate.over_applied") == (
            6,
            12,
            "0.500000",
            "50.0%",
        )
        assert rates["agreement_performance_rate"]["definition"]["formula"] == (
            "mediation.analysis.agreement_performance_rate/v1"
        )

        rule = analysis["rising"]["rule"]
        assert (
            rule["window_start"],
            rule["window_end"],
            rule["baseline_start"],
            rule["baseline_end"],
            rule["window_days"],
            rule["baseline_months"],
            Decimal(rule["factor"]),
            rule["min_count"],
        ) == ("2024-01-31", "2024-02-29", "2023-01-01", "2023-12-31", 30, 12, 2, 3)
        # In the window vs 2 × the 2023 monthly mean, at least 3:
        # T2 labour 12 ≥ 2×2; T1 contract 5 ≥ max(3, 2×1); T1 neighbour 4 ≥ 2×2 (on the
        # threshold); T1 damages 3 ≥ max(3, 0); T2 medical 3 ≥ max(3, 2×0.25).
        # Not: T1 marriage_family 3 < 4, T1 land_forest 1, T2 neighbour 5 < 6,
        # T2 traffic_accident 2 < 3, T2 consumer 2 < 3. The 2024-01-30 contract is
        # neither in the window nor in the baseline.
        assert [pair(p) for p in analysis["rising"]["items"]] == [
            (T2, "labour", 12, 24, "2.00", "4.00"),
            (T1, "contract", 5, 12, "1.00", "3.00"),
            (T1, "neighbour", 4, 24, "2.00", "4.00"),
            (T1, "damages", 3, 0, "0.00", "3.00"),
            (T2, "medical", 3, 3, "0.25", "3.00"),
        ]

        # Other parameters: factor 1.5, at least 5. T2 neighbour 5 ≥ max(5, 1.5×3).
        response = await client.get(
            ANALYSIS,
            params={**QUERY, "rising_factor": "1.5", "rising_min_count": 5},
        )
        assert [pair(p) for p in response.json()["rising"]["items"]] == [
            (T2, "labour", 12, 24, "2.00", "5.00"),
            (T1, "contract", 5, 12, "1.00", "5.00"),
            (T2, "neighbour", 5, 36, "3.00", "5.00"),
        ]

        # A 7-day window ending 2024-02-29 starts in February: the baseline is
        # 2023-02..2024-01 (so the regular 2024-01 month counts, 2023-01 does not).
        # In 2024-02-23..29: T1 marriage_family 1, contract 5, land_forest 1; only
        # contract reaches 3 and 2 × (12 + 1) / 12.
        response = await client.get(ANALYSIS, params={**QUERY, "rising_window_days": 7})
        body = response.json()["rising"]
        assert (body["rule"]["baseline_start"], body["rule"]["baseline_end"]) == (
            "2023-02-01",
            "2024-01-31",
        )
        assert [pair(p) for p in body["items"]] == [
            (T1, "contract", 5, 13, "1.08", "3.00"),
        ]


def pair(item: dict[str, Any]) -> tuple[Any, ...]:
    return (
        item["township_code"],
        item["dispute_type"],
        item["count"],
        item["baseline_count"],
        item["baseline_mean"],
        item["threshold"],
    )


async def committee_names(client: httpx.AsyncClient) -> dict[str, str]:
    """Committee id → the fixture's label (from the name it was given)."""
    response = await client.get("/api/v1/committees", params={"page_size": 100})
    return {
        c["id"]: c["name"].removesuffix("人民调解委员会")
        for c in response.json()["items"]
    }


class TestAnalysisAccess:
    @pytest.mark.parametrize(
        "org",
        [
            {"region_code": "421222", "township_code": T1},
            {"region_code": "421223"},
        ],
    )
    async def test_only_a_county_level_caller_of_the_county_may_read_it(
        self,
        client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
        org: dict[str, str],
    ) -> None:
        headers = service_under_test.issuer.headers(scopes={"mediation:read"}, org=org)
        response = await client.get(ANALYSIS, params=QUERY, headers=headers)
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
        county = service_under_test.issuer.headers(
            scopes={"mediation:read"}, org={"region_code": "421222"}
        )
        response = await client.get(ANALYSIS, params=QUERY, headers=county)
        assert response.status_code == 200

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"region_code": None}, "region_code"),
            ({"end": "2022-12-31"}, "end"),
            ({"start": "2020-01-01", "end": "2023-12-31"}, "end"),
            ({"rising_window_days": 200}, "rising_window_days"),
            ({"rising_factor": "0.5"}, "rising_factor"),
        ],
    )
    async def test_bad_input_names_the_field(
        self, client: httpx.AsyncClient, params: dict[str, Any], field: str
    ) -> None:
        query = {k: v for k, v in {**QUERY, **params}.items() if v is not None}
        response = await client.get(ANALYSIS, params=query)
        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == [field]
