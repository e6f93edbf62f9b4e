"""Issue 5, must-show 4: the statistics of a hand-built fixture equal values counted by hand.

Thirty-four applications and eleven litigation cases are entered through the API (the records
and every lifecycle step, as the office would), then ``GET /api/v1/statistics`` for 通城县
(421222) and 2023 is compared with literals counted from the tables below: every figure, each
rate with its numerator, denominator and display, each variant, and the breakdowns, whose groups
must also add up to the county's figures. Nothing expected here is computed by the code under
test: recount from the tables.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from reconsideration.applications.models import DecisionType, TerminationGround

YEAR = 2023

# Respondents and defendant agencies.
MKT = "县市场监督管理局"
POL = "县公安局"
NRS = "县自然资源局"
HRS = "县人力资源和社会保障局"
JSZ = "隽水镇人民政府"


# --- Lifecycle steps, as the API takes them ---------------------------------------------------


def _c(type_: str, on: str, **fields: Any) -> dict[str, Any]:
    return {"type": type_, "occurred_on": on, **fields}


def accept(on: str, procedure: str = "ordinary") -> list[dict[str, Any]]:
    """Review, accept and copy to the respondent on the same day."""
    return [
        _c("start_review", on),
        _c("accept", on, procedure=procedure),
        _c("copy_to_respondent", on),
    ]


def deem_accepted(on: str) -> list[dict[str, Any]]:
    return [_c("deem_accepted", on), _c("copy_to_respondent", on)]


def decide(on: str, decision_type: str, **fields: Any) -> list[dict[str, Any]]:
    return [_c("decide", on, decision_type=decision_type, **fields)]


def terminate(on: str, ground: str) -> list[dict[str, Any]]:
    return [_c("terminate", on, ground=ground)]


def mediate(on: str) -> list[dict[str, Any]]:
    return [_c("record_mediation_statement", on)]


def suspend(on: str) -> list[dict[str, Any]]:
    return [_c("suspend", on, ground="depends_on_other_case")]


def resume(on: str) -> list[dict[str, Any]]:
    return [_c("resume", on)]


def not_accept(on: str, review_on: str) -> list[dict[str, Any]]:
    return [_c("start_review", review_on), _c("not_accept", on, reason="超过申请期限")]


def review(on: str) -> list[dict[str, Any]]:
    return [_c("start_review", on)]


# --- The applications -----------------------------------------------------------------------
#
# (id, received_on, respondent, matter_type, steps). Region 421222 unless the id says otherwise.
# In the notes: "2023" means the step falls in the reported year.

APPLICATIONS: list[tuple[str, str, str, str, list[dict[str, Any]]]] = [
    # Received, accepted and concluded in 2023.
    ("A01", "2023-01-05", MKT, "penalty",
     [*accept("2023-01-06"), *decide("2023-02-20", "vary")]),
    ("A02", "2023-01-10", MKT, "penalty",
     [*accept("2023-01-11"), *decide("2023-03-01", "revoke", redo_ordered=True)]),
    ("A03", "2023-02-01", POL, "compulsory_measure",
     [*accept("2023-02-02"), *decide("2023-03-20", "confirm_illegal")]),
    ("A04", "2023-02-15", POL, "compulsory_measure",
     [*deem_accepted("2023-02-22"),
      *decide("2023-04-10", "order_performance", performance_deadline="2023-06-10")]),
    ("A05", "2023-03-01", NRS, "inaction",
     [*accept("2023-03-02"),
      *decide("2023-04-20", "order_performance", performance_deadline="2023-06-30")]),
    ("A06", "2023-03-10", NRS, "licensing",
     [*accept("2023-03-13"), *decide("2023-05-10", "confirm_invalid")]),
    ("A07", "2023-03-20", HRS, "complaint_handling",
     [*accept("2023-03-21"), *decide("2023-05-15", "uphold")]),
    ("A08", "2023-04-03", HRS, "information_disclosure",
     [*accept("2023-04-04"), *terminate("2023-05-20", "withdrawal")]),
    ("A09", "2023-04-10", MKT, "penalty",
     [*accept("2023-04-11"), *decide("2023-06-01", "uphold")]),
    ("A10", "2023-04-20", JSZ, "complaint_handling",
     [*accept("2023-04-21"), *decide("2023-06-10", "dismiss_claim")]),
    ("A11", "2023-05-04", POL, "penalty",
     [*accept("2023-05-05"), *decide("2023-06-20", "revoke")]),
    ("A12", "2023-05-10", MKT, "licensing",
     [*accept("2023-05-11"), *terminate("2023-06-15", "settlement")]),
    ("A13", "2023-05-20", POL, "penalty",
     [*accept("2023-05-22"), *terminate("2023-07-03", "withdrawal")]),
    ("A14", "2023-06-01", NRS, "information_disclosure",
     [*accept("2023-06-02"), *mediate("2023-07-10")]),
    ("A15", "2023-06-12", MKT, "penalty",
     [*accept("2023-06-13"), *mediate("2023-08-01")]),
    ("A16", "2023-06-20", JSZ, "inaction",
     [*accept("2023-06-21"), *suspend("2023-07-01"), *resume("2023-08-01"),
      *decide("2023-09-15", "vary")]),
    ("A17", "2023-07-03", HRS, "complaint_handling",
     [*accept("2023-07-04"), *terminate("2023-08-10", "other")]),
    ("A18", "2023-07-10", POL, "compulsory_measure",
     [*accept("2023-07-11", "simplified"), *decide("2023-08-01", "dismiss_claim")]),
    # Not accepted in 2023; A22 deemed abandoned (no correction).
    ("A19", "2023-07-20", MKT, "penalty", not_accept("2023-07-25", "2023-07-20")),
    ("A20", "2023-08-01", NRS, "licensing", not_accept("2023-08-04", "2023-08-01")),
    ("A21", "2023-08-15", HRS, "information_disclosure",
     not_accept("2023-08-18", "2023-08-15")),
    ("A22", "2023-09-01", JSZ, "complaint_handling",
     [*review("2023-09-01"),
      _c("request_correction", "2023-09-04", items=["身份证明复印件"]),
      _c("deem_abandoned", "2023-09-25")]),
    # Accepted in 2023, open at its end (A25, A26 concluded in 2024).
    ("A23", "2023-09-10", MKT, "penalty", accept("2023-09-11")),
    ("A24", "2023-10-09", POL, "compulsory_measure",
     [*accept("2023-10-10"), *suspend("2023-11-01")]),
    ("A25", "2023-11-01", NRS, "inaction",
     [*accept("2023-11-02"), *decide("2024-01-10", "vary")]),
    ("A26", "2023-12-04", HRS, "complaint_handling",
     [*accept("2023-12-05"), *terminate("2024-01-15", "settlement")]),
    # Received in 2023, accepted / not accepted only in 2024.
    ("A27", "2023-12-27", MKT, "penalty",
     [*review("2023-12-27"), _c("accept", "2024-01-03", procedure="ordinary")]),
    ("A28", "2023-12-28", JSZ, "information_disclosure",
     not_accept("2024-01-04", "2023-12-28")),
    # Carried over from 2022: A29, A30 decided in 2023, A31 still suspended; A32 all in 2022.
    ("A29", "2022-11-01", MKT, "penalty",
     [*accept("2022-11-02"), *decide("2023-01-10", "uphold")]),
    ("A30", "2022-12-01", POL, "compulsory_measure",
     [*accept("2022-12-02"), *decide("2023-01-16", "revoke")]),
    ("A31", "2022-12-15", NRS, "licensing",
     [*accept("2022-12-16"), *suspend("2023-01-05")]),
    ("A32", "2022-10-10", HRS, "information_disclosure",
     not_accept("2022-10-14", "2022-10-10")),
    # 2024 only; and another county (421223).
    ("A33", "2024-01-05", MKT, "other",
     [*accept("2024-01-08"), *decide("2024-02-20", "dismiss_application")]),
    ("A34@421223", "2023-03-01", POL, "other",
     [*accept("2023-03-02"), *decide("2023-04-01", "revoke")]),
]  # fmt: skip

# --- The litigation cases -------------------------------------------------------------------
#
# (id, defendant agency, county government a party, filed_on, hearings as (held_on, head
# appeared), concluded_on, outcome).

LITIGATION: list[
    tuple[str, str, bool, str, list[tuple[str, bool]], str | None, str | None]
] = [
    ("L01", MKT, True, "2022-09-01", [("2022-11-10", True)], "2023-02-10", "won"),
    ("L02", POL, True, "2022-05-01", [], "2022-12-01", "lost"),
    ("L03", POL, True, "2023-01-10", [("2023-03-01", False), ("2023-04-10", True)],
     "2023-05-20", "lost"),
    ("L04", NRS, False, "2023-02-01", [("2023-04-01", False)], "2023-06-01", "won"),
    ("L05", NRS, True, "2023-03-01",
     [("2023-05-10", True), ("2023-07-12", True), ("2023-09-01", False)],
     "2023-10-10", "lost"),
    ("L06", HRS, True, "2023-04-01", [("2023-06-15", True)], None, None),
    ("L07", HRS, False, "2023-06-01", [], "2023-09-30", "withdrawn"),
    ("L08", MKT, True, "2023-08-01", [("2023-11-20", True), ("2024-01-10", True)],
     "2024-03-01", "lost"),
    ("L09", JSZ, True, "2023-10-01", [], "2023-12-20", "mediated"),
    ("L10", MKT, True, "2024-01-05", [("2024-02-01", True)], None, None),
    ("L11@421223", POL, True, "2023-03-01", [("2023-04-01", False)], "2023-05-01", "lost"),
]  # fmt: skip


def _region(record_id: str) -> str:
    return record_id.partition("@")[2] or "421222"


async def _post(client: httpx.AsyncClient, url: str, body: dict[str, Any]) -> Any:
    response = await client.post(url, json=body)
    assert response.status_code in (200, 201), (url, body, response.text)
    return response.json()


async def load_fixture(client: httpx.AsyncClient) -> None:
    for record_id, received_on, respondent, matter_type, steps in APPLICATIONS:
        application = await _post(
            client,
            "/api/v1/applications",
            {
                "region_code": _region(record_id),
                "received_on": received_on,
                "receipt_channel": "in_person",
                "applicant_name": f"申请人{record_id[:3]}",
                "applicant_kind": "person",
                "respondent": respondent,
                "matter_type": matter_type,
            },
        )
        for step in steps:
            await _post(
                client, f"/api/v1/applications/{application['id']}/events", step
            )
    for (
        record_id,
        agency,
        party,
        filed_on,
        hearings,
        concluded_on,
        outcome,
    ) in LITIGATION:
        case = await _post(
            client,
            "/api/v1/litigation-cases",
            {
                "region_code": _region(record_id),
                "case_number": f"(2023)鄂1222行初{record_id[:3]}号",
                "court": "通城县人民法院",
                "defendant_agency": agency,
                "county_government_party": party,
                "cause": "行政处罚",
                "stage": "second_instance" if record_id == "L05" else "first_instance",
                "filed_on": filed_on,
            },
        )
        for held_on, appeared in hearings:
            await _post(
                client,
                f"/api/v1/litigation-cases/{case['id']}/hearings",
                {
                    "held_on": held_on,
                    "head_appeared": appeared,
                    "head_name": "赵某" if appeared else None,
                    "head_post": "局长" if appeared else None,
                },
            )
        if concluded_on is not None:
            await _post(
                client,
                f"/api/v1/litigation-cases/{case['id']}/events",
                {"type": "conclude", "occurred_on": concluded_on, "outcome": outcome},
            )


@pytest.fixture
async def body(client: httpx.AsyncClient) -> dict[str, Any]:
    await load_fixture(client)
    response = await client.get(
        "/api/v1/statistics", params={"region_code": "421222", "year": YEAR}
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def rate_of(r: dict[str, Any]) -> tuple[int, int, str | None, str]:
    return (r["numerator"], r["denominator"], r["value"], r["display"])


def short_rate(r: dict[str, Any]) -> tuple[int, int, str]:
    return (r["numerator"], r["denominator"], r["display"])


# --- The hand count -------------------------------------------------------------------------

#: The application measures of a group, in this order.
COUNTS = (
    "applications_received",
    "not_accepted",
    "accepted",
    "concluded",
    "decided",
    "corrected",
    "mediated_or_settled",
)
RATES = (
    "correction_rate",
    "correction_rate.over_concluded",
    "mediated_or_settled_rate",
)
DASH = (0, 0, "—")


def counts_of(
    group: dict[str, Any], names: tuple[str, ...] = COUNTS
) -> tuple[int, ...]:
    return tuple(group[n] for n in names)


def rates_of(group: dict[str, Any]) -> tuple[tuple[int, int, str], ...]:
    return tuple(short_rate(group[n]) for n in RATES)


# By respondent: (received, not_accepted, accepted, concluded, decided, corrected,
# mediated_or_settled), pending, and (correction_rate, .over_concluded, mediated_or_settled_rate).
BY_RESPONDENT = {
    # received A01 A02 A09 A12 A15 A19 A23 A27; not accepted A19; accepted A01 A02 A09 A12
    # A15 A23; concluded A01 A02 A09 A12 A15 + A29; decided A01 A02 A09 A29; corrected A01
    # A02; mediated/settled A12 A15; pending A23.
    MKT: ((8, 1, 6, 6, 4, 2, 2), 1,
          ((2, 4, "50.0%"), (2, 6, "33.3%"), (2, 6, "33.3%"))),
    # received A03 A04 A11 A13 A18 A24, all accepted; concluded A03 A04 A11 A13 A18 + A30;
    # decided: not A13; corrected A03 A04 A11 A30; pending A24. (A34 is another county.)
    POL: ((6, 0, 6, 6, 5, 4, 0), 1,
          ((4, 5, "80.0%"), (4, 6, "66.7%"), (0, 6, "0.0%"))),
    # received A05 A06 A14 A20 A25; not accepted A20; concluded A05 A06 A14; decided and
    # corrected A05 A06; mediated A14; pending A25 and A31 (carried over from 2022).
    NRS: ((5, 1, 4, 3, 2, 2, 1), 2,
          ((2, 2, "100.0%"), (2, 3, "66.7%"), (1, 3, "33.3%"))),
    # received A07 A08 A17 A21 A26; not accepted A21; concluded A07 A08 A17; decided A07
    # (upheld); pending A26.
    HRS: ((5, 1, 4, 3, 1, 0, 0), 1,
          ((0, 1, "0.0%"), (0, 3, "0.0%"), (0, 3, "0.0%"))),
    # received A10 A16 A22 A28; accepted, concluded, decided A10 A16; corrected A16.
    JSZ: ((4, 0, 2, 2, 2, 1, 0), 0,
          ((1, 2, "50.0%"), (1, 2, "50.0%"), (0, 2, "0.0%"))),
}  # fmt: skip

BY_MATTER_TYPE = {
    # A01 A02 A09 A11 A13 A15 A19 A23 A27 (+ A29 concluded): decided A01 A02 A09 A11 A29,
    # corrected A01 A02 A11, mediated A15, pending A23.
    "penalty": ((9, 1, 7, 7, 5, 3, 1), 1,
                ((3, 5, "60.0%"), (3, 7, "42.9%"), (1, 7, "14.3%"))),
    # A03 A04 A18 A24 (+ A30 concluded): corrected A03 A04 A30, pending A24.
    "compulsory_measure": ((4, 0, 4, 4, 4, 3, 0), 1,
                           ((3, 4, "75.0%"), (3, 4, "75.0%"), (0, 4, "0.0%"))),
    # A06 A12 A20 (+ A31 pending): A06 confirm_invalid, A12 settled, A20 not accepted.
    "licensing": ((3, 1, 2, 2, 1, 1, 1), 1,
                  ((1, 1, "100.0%"), (1, 2, "50.0%"), (1, 2, "50.0%"))),
    # A08 withdrawn, A14 mediated, A21 not accepted, A28 not accepted in 2024.
    "information_disclosure": ((4, 1, 2, 2, 0, 0, 1), 0,
                               (DASH, (0, 2, "0.0%"), (1, 2, "50.0%"))),
    # A07 upheld, A10 dismissed, A17 terminated, A22 abandoned, A26 pending.
    "complaint_handling": ((5, 0, 4, 3, 2, 0, 0), 1,
                           ((0, 2, "0.0%"), (0, 3, "0.0%"), (0, 3, "0.0%"))),
    # A05 order_performance, A16 vary, A25 pending.
    "inaction": ((3, 0, 3, 2, 2, 2, 0), 1,
                 ((2, 2, "100.0%"), (2, 2, "100.0%"), (0, 2, "0.0%"))),
    # A33 is of 2024 and A34 of another county.
    "other": ((0, 0, 0, 0, 0, 0, 0), 0, (DASH, DASH, DASH)),
}  # fmt: skip

# Concluded in 2023 by how: (concluded, decided, corrected, mediated_or_settled), bucket.
# Every other way (dismiss_application: A33 is of 2024; any other termination ground) is 0.
BY_DECISION_TYPE = {
    "vary": ((2, 2, 2, 0), "correction"),  # A01 A16
    "revoke": ((3, 3, 3, 0), "correction"),  # A02 A11 A30
    "confirm_illegal": ((1, 1, 1, 0), "correction"),  # A03
    "order_performance": ((2, 2, 2, 0), "correction"),  # A04 A05
    "confirm_invalid": ((1, 1, 1, 0), "correction"),  # A06
    "uphold": ((3, 3, 0, 0), "upheld"),  # A07 A09 A29
    "dismiss_claim": ((2, 2, 0, 0), "dismissed"),  # A10 A18
    "mediation_statement": ((2, 0, 0, 2), "mediated_or_settled"),  # A14 A15
    "termination.withdrawal": ((2, 0, 0, 0), "terminated"),  # A08 A13
    "termination.settlement": ((1, 0, 0, 1), "terminated"),  # A12
    "termination.other": ((1, 0, 0, 0), "terminated"),  # A17
}

# By month, each measure in the month of its own date: received_on, not_accepted_on,
# accepted_on, concluded_on (concluded, decided, corrected, mediated or settled).
BY_MONTH = {
    # received A01 A02; accepted A01 A02; concluded A29 (uphold) A30 (revoke)
    "01": ((2, 0, 2, 2, 2, 1, 0), ((1, 2, "50.0%"), (1, 2, "50.0%"), (0, 2, "0.0%"))),
    # received A03 A04; accepted A03, A04 (deemed); concluded A01 (vary)
    "02": ((2, 0, 2, 1, 1, 1, 0), ((1, 1, "100.0%"), (1, 1, "100.0%"), (0, 1, "0.0%"))),
    # received A05 A06 A07; accepted the same; concluded A02 (revoke) A03 (confirm_illegal)
    "03": ((3, 0, 3, 2, 2, 2, 0), ((2, 2, "100.0%"), (2, 2, "100.0%"), (0, 2, "0.0%"))),
    # received A08 A09 A10; accepted the same; concluded A04 A05 (order_performance)
    "04": ((3, 0, 3, 2, 2, 2, 0), ((2, 2, "100.0%"), (2, 2, "100.0%"), (0, 2, "0.0%"))),
    # received A11 A12 A13; accepted the same; concluded A06 (confirm_invalid) A07 (uphold)
    # A08 (withdrawn)
    "05": ((3, 0, 3, 3, 2, 1, 0), ((1, 2, "50.0%"), (1, 3, "33.3%"), (0, 3, "0.0%"))),
    # received A14 A15 A16; accepted the same; concluded A09 (uphold) A10 (dismiss_claim)
    # A11 (revoke) A12 (settled)
    "06": ((3, 0, 3, 4, 3, 1, 1), ((1, 3, "33.3%"), (1, 4, "25.0%"), (1, 4, "25.0%"))),
    # received A17 A18 A19; not accepted A19; accepted A17 A18; concluded A13 (withdrawn)
    # A14 (mediated)
    "07": ((3, 1, 2, 2, 0, 0, 1), (DASH, (0, 2, "0.0%"), (1, 2, "50.0%"))),
    # received A20 A21; not accepted A20 A21; concluded A15 (mediated) A17 (terminated)
    # A18 (dismiss_claim)
    "08": ((2, 2, 0, 3, 1, 0, 1), ((0, 1, "0.0%"), (0, 3, "0.0%"), (1, 3, "33.3%"))),
    # received A22 A23; accepted A23; concluded A16 (vary)
    "09": ((2, 0, 1, 1, 1, 1, 0), ((1, 1, "100.0%"), (1, 1, "100.0%"), (0, 1, "0.0%"))),
    "10": ((1, 0, 1, 0, 0, 0, 0), (DASH, DASH, DASH)),  # A24
    "11": ((1, 0, 1, 0, 0, 0, 0), (DASH, DASH, DASH)),  # A25
    "12": ((3, 0, 1, 0, 0, 0, 0), (DASH, DASH, DASH)),  # A26 A27 A28; accepted A26
}  # fmt: skip

# Litigation by defendant agency: (cases, cases.county_government_party, concluded, pending,
# lost), (loss_rate, head_appearance_rate, head_appearance_rate.per_hearing).
BY_DEFENDANT = {
    # L01 (carried over, won), L08 (pending; head at its 2023 hearing). L10 is of 2024.
    MKT: ((2, 2, 1, 1, 0), ((0, 1, "0.0%"), (1, 1, "100%"), (1, 1, "100%"))),
    # L03 lost, head at one of two hearings. L02 ended in 2022, L11 is another county.
    POL: ((1, 1, 1, 0, 1), ((1, 1, "100.0%"), (1, 1, "100%"), (1, 2, "50%"))),
    # L04 (not a party, won, no head), L05 (lost, head at two of three hearings).
    NRS: ((2, 1, 2, 0, 1), ((1, 2, "50.0%"), (1, 2, "50%"), (2, 4, "50%"))),
    # L06 (pending, head), L07 (not a party, withdrawn, no hearing).
    HRS: ((2, 1, 1, 1, 0), ((0, 1, "0.0%"), (1, 1, "100%"), (1, 1, "100%"))),
    # L09 mediated without a hearing.
    JSZ: ((1, 1, 1, 0, 0), ((0, 1, "0.0%"), DASH, DASH)),
}
LITIGATION_COUNTS = (
    "cases",
    "cases.county_government_party",
    "concluded",
    "pending",
    "lost",
)
LITIGATION_RATES = (
    "loss_rate",
    "head_appearance_rate",
    "head_appearance_rate.per_hearing",
)

# Concluded in 2023 by outcome: (concluded, of which the county government is a party).
BY_OUTCOME = {
    "won": (2, 1),  # L01, L04 (not a party)
    "lost": (2, 2),  # L03, L05
    "withdrawn": (1, 0),  # L07 (not a party)
    "mediated": (1, 1),  # L09
    "other": (0, 0),
}


class TestHandBuiltFixture:
    async def test_figures(self, body: dict[str, Any]) -> None:
        figures = body["figures"]
        counts = {k: f["value"] for k, f in figures.items() if f["kind"] == "count"}
        assert counts == {
            # A01-A28.
            "reconsideration.applications_received": 28,
            # A19 A20 A21 (A28's is of 2024, A32's of 2022).
            "reconsideration.not_accepted": 3,
            # A01-A18 (A04 deemed accepted), A23-A26 (A27 accepted in 2024).
            "reconsideration.accepted": 22,
            # A01-A18 and the carried-over A29 A30 (A25 A26 concluded in 2024).
            "reconsideration.concluded": 20,
            # A23 A24 (suspended) A25 A26, and A31 carried over from 2022.
            "reconsideration.pending": 5,
            # vary A01 A16, revoke A02 A11 A30, confirm_illegal A03, order_performance A04
            # A05, confirm_invalid A06.
            "reconsideration.corrected": 9,
            # A12 settled, A14 A15 mediation statements (A26's settlement is of 2024).
            "reconsideration.mediated_or_settled": 3,
            "reconsideration.agency_points": 0,
            "reconsideration.collective_discussions": 0,
            "reconsideration.opinion_letters_issued": 0,
            "reconsideration.opinion_letters_replied_on_time": 0,
            # Handled: L01 (carried over) L03-L09.
            "litigation.cases": 8,
            "litigation.cases.county_government_party": 6,  # not L04 L07
            "litigation.concluded": 6,  # L01 L03 L04 L05 L07 L09
            "litigation.pending": 2,  # L06, L08 (concluded in 2024)
            "litigation.lost": 2,  # L03 L05 (L02 lost in 2022, L08 in 2024)
        }
        rates = {k: rate_of(f) for k, f in figures.items() if f["kind"] == "rate"}
        assert rates == {
            # Decided: 20 concluded less the four terminated (A08 A12 A13 A17) and two
            # mediated (A14 A15) = 14; 9 ÷ 14 = 0.6428571…
            "reconsideration.correction_rate": (9, 14, "0.642857", "64.3%"),
            "reconsideration.correction_rate.over_concluded": (
                9,
                20,
                "0.450000",
                "45.0%",
            ),
            "reconsideration.mediated_or_settled_rate": (3, 20, "0.150000", "15.0%"),
            "litigation.loss_rate": (2, 6, "0.333333", "33.3%"),
            # Heard in 2023: L03 L04 L05 L06 L08; a head at one of them: all but L04.
            "litigation.head_appearance_rate": (4, 5, "0.800000", "80%"),
            # 2023 hearings: L03 2 (1 head), L04 1 (0), L05 3 (2), L06 1 (1), L08 1 (1):
            # 5 ÷ 8 = 62.5%, shown half-up as 63%.
            "litigation.head_appearance_rate.per_hearing": (5, 8, "0.625000", "63%"),
        }
        assert all(
            f["definition"]["formula"] == f"{k}/v1" and f["definition"]["text"]
            for k, f in figures.items()
        )
        assert figures["reconsideration.correction_rate"]["precision"] == 1
        assert figures["litigation.head_appearance_rate.per_hearing"]["precision"] == 0

    async def test_breakdowns_by_respondent_and_matter_type(
        self, body: dict[str, Any]
    ) -> None:
        reconsideration = body["breakdown_figures"]["reconsideration"]
        for name, expected in (
            ("by_respondent", BY_RESPONDENT),
            ("by_matter_type", BY_MATTER_TYPE),
        ):
            got = {
                k: (counts_of(g), g["pending"], rates_of(g))
                for k, g in reconsideration[name].items()
            }
            assert got == expected, name
        assert list(reconsideration["by_matter_type"]) == [
            "penalty",
            "compulsory_measure",
            "licensing",
            "information_disclosure",
            "complaint_handling",
            "inaction",
            "other",
        ]
        rate = reconsideration["by_matter_type"]["penalty"][
            "correction_rate.over_concluded"
        ]
        assert (rate["value"], rate["precision"]) == ("0.428571", 1)
        assert (
            reconsideration["by_matter_type"]["other"]["correction_rate"]["value"]
            is None
        )

    async def test_breakdown_by_decision_type(self, body: dict[str, Any]) -> None:
        by_type = body["breakdown_figures"]["reconsideration"]["by_decision_type"]
        ways = {
            *(str(t) for t in DecisionType),
            "mediation_statement",
            *(f"termination.{g}" for g in TerminationGround),
        }
        assert set(by_type) == ways
        got = {
            k: (counts_of(g, ("concluded", "decided", "corrected", "mediated_or_settled")),
                g["bucket"])
            for k, g in by_type.items()
        }  # fmt: skip
        assert {
            k: v for k, v in got.items() if v[0] != (0, 0, 0, 0)
        } == BY_DECISION_TYPE
        assert got["dismiss_application"] == ((0, 0, 0, 0), "dismissed")
        assert got["confirm_invalid"][1] == "correction"

    async def test_breakdown_by_month(self, body: dict[str, Any]) -> None:
        by_month = body["breakdown_figures"]["reconsideration"]["by_month"]
        assert list(by_month) == [f"{m:02d}" for m in range(1, 13)]
        assert {k: (counts_of(g), rates_of(g)) for k, g in by_month.items()} == BY_MONTH
        assert all("pending" not in g for g in by_month.values())

    async def test_litigation_breakdowns(self, body: dict[str, Any]) -> None:
        litigation = body["breakdown_figures"]["litigation"]
        assert {
            k: (
                counts_of(g, LITIGATION_COUNTS),
                tuple(short_rate(g[n]) for n in LITIGATION_RATES),
            )
            for k, g in litigation["by_defendant_agency"].items()
        } == BY_DEFENDANT
        assert {
            k: (g["concluded"], g["cases.county_government_party"])
            for k, g in litigation["by_outcome"].items()
        } == BY_OUTCOME

    async def test_each_breakdown_adds_up_to_the_figures(
        self, body: dict[str, Any]
    ) -> None:
        figures = body["figures"]
        reconsideration = body["breakdown_figures"]["reconsideration"]
        litigation = body["breakdown_figures"]["litigation"]
        rates = {k: (f["numerator"], f["denominator"]) for k, f in figures.items() if f["kind"] == "rate"}  # fmt: skip

        def total(groups: dict[str, Any], measure: str) -> int:
            return sum(int(g[measure]) for g in groups.values())

        def rate_total(groups: dict[str, Any], measure: str) -> tuple[int, int]:
            return (
                sum(g[measure]["numerator"] for g in groups.values()),
                sum(g[measure]["denominator"] for g in groups.values()),
            )

        def county(measure: str) -> int:
            value: int = figures[f"reconsideration.{measure}"]["value"]
            return value

        for name in ("by_respondent", "by_matter_type", "by_month"):
            groups = reconsideration[name]
            for measure in COUNTS:
                if measure == "decided":
                    assert total(groups, measure) == 14, (
                        name
                    )  # correction_rate's denominator
                else:
                    assert total(groups, measure) == county(measure), (name, measure)
            if name != "by_month":
                assert total(groups, "pending") == county("pending"), name
            for measure in RATES:
                assert rate_total(groups, measure) == rates[f"reconsideration.{measure}"], (name, measure)  # fmt: skip
        by_type = reconsideration["by_decision_type"]
        for measure in ("concluded", "corrected", "mediated_or_settled"):
            assert total(by_type, measure) == county(measure)
        assert total(by_type, "decided") == rates["reconsideration.correction_rate"][1]

        by_agency = litigation["by_defendant_agency"]
        for measure in LITIGATION_COUNTS:
            assert (
                total(by_agency, measure) == figures[f"litigation.{measure}"]["value"]
            )
        for measure in LITIGATION_RATES:
            assert rate_total(by_agency, measure) == rates[f"litigation.{measure}"]
        assert total(litigation["by_outcome"], "concluded") == figures["litigation.concluded"]["value"]  # fmt: skip
        assert litigation["by_outcome"]["lost"]["concluded"] == figures["litigation.lost"]["value"]  # fmt: skip

    async def test_the_count_breakdowns_are_unchanged(
        self, body: dict[str, Any]
    ) -> None:
        breakdowns = body["breakdowns"]
        assert breakdowns["applications_received.by_respondent"] == {
            HRS: 5, NRS: 5, POL: 6, MKT: 8, JSZ: 4,
        }  # fmt: skip
        assert breakdowns["decisions.by_decision_type"] == {
            "confirm_illegal": 1,
            "confirm_invalid": 1,
            "dismiss_claim": 2,
            "order_performance": 2,
            "revoke": 3,
            "uphold": 3,
            "vary": 2,
        }


async def test_the_next_year_counts_what_2023_left_out(
    client: httpx.AsyncClient,
) -> None:
    await load_fixture(client)
    response = await client.get(
        "/api/v1/statistics", params={"region_code": "421222", "year": 2024}
    )
    figures = response.json()["figures"]
    assert {
        k: figures[f"reconsideration.{k}"]["value"]
        for k in ("applications_received", "not_accepted", "accepted", "concluded", "pending")
    } == {
        "applications_received": 1,  # A33
        "not_accepted": 1,  # A28
        "accepted": 2,  # A27, A33
        "concluded": 3,  # A25 (vary), A26 (settled), A33 (dismiss_application)
        "pending": 4,  # A23, A24, A31 still open; A27 accepted in 2024
    }  # fmt: skip
    assert rate_of(figures["reconsideration.correction_rate"]) == (
        1,
        2,
        "0.500000",
        "50.0%",
    )
    # Handled in 2024: L06, L08, L10; L08 lost.
    assert figures["litigation.cases"]["value"] == 3
    assert rate_of(figures["litigation.loss_rate"]) == (1, 1, "1.000000", "100.0%")
