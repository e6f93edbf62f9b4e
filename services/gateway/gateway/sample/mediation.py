"""通城县 2023 sample for the mediation service.

Reproduces (domain.md §7): 4561 disputes mediated, 4459 resolved (97.8%); 118
remote video mediations saving 553,680.00 yuan (the seed: 55万余元); 16 trainings;
12 full-time mediators recruited; and the two committees founded in 2023
(consumer disputes, chamber of commerce). A smaller 2022 history makes sure the
report counts the year asked for and nothing else.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from stdnum.cn import ric

from gateway.sample.common import (
    PARTNER_REGIONS,
    REGION_CODE,
    TOWNSHIPS,
    Api,
    date_in,
    person_name,
)

DISPUTES_2023 = 4561
RESOLVED_2023 = 4459
REMOTE_VIDEO_2023 = 118
COST_SAVED_TOTAL = Decimal("553680.00")
TRAININGS_2023 = 16
FULLTIME_RECRUITED_2023 = 12
DISPUTES_2022 = 60

#: Rough shares of dispute types in a rural county (weights, not figures of the report).
DISPUTE_TYPES = {
    "marriage_family": 18,
    "neighbour": 22,
    "housing_homestead": 9,
    "contract": 8,
    "production_business": 4,
    "damages": 8,
    "land_forest": 10,
    "land_acquisition_demolition": 3,
    "environment": 2,
    "labour": 6,
    "consumer": 3,
    "medical": 1,
    "traffic_accident": 4,
    "property_management": 1,
    "other": 1,
}
SUMMARIES = {
    "marriage_family": "赡养费分担纠纷",
    "neighbour": "相邻通行与排水纠纷",
    "housing_homestead": "宅基地界址纠纷",
    "contract": "买卖合同货款纠纷",
    "production_business": "合伙经营收益分配纠纷",
    "damages": "人身损害赔偿纠纷",
    "land_forest": "山林权属纠纷",
    "land_acquisition_demolition": "征地补偿分配纠纷",
    "environment": "养殖污染纠纷",
    "labour": "务工工资拖欠纠纷",
    "consumer": "消费退换货纠纷",
    "medical": "医疗费用纠纷",
    "traffic_accident": "交通事故赔偿纠纷",
    "property_management": "物业服务费纠纷",
    "other": "其他民间纠纷",
}


def sample_id_number(i: int) -> str:
    """A generated, valid-looking resident ID number (region 421222, a real birth date,
    the MOD 11-2 check character): a pattern of the sample, nobody's number. Drawn
    without the random generator, so the sample's figures do not change."""
    born = dt.date(1998, 1, 1) + dt.timedelta(days=(i * 37) % 2500)
    body = f"{REGION_CODE}{born:%Y%m%d}{i % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # it expects a check slot


def sample_phone(i: int) -> str:
    return str(13800000000 + i)


def _cost_saved_split(rng: random.Random, n: int, total: Decimal) -> list[Decimal]:
    """``n`` plausible amounts (yuan, whole tens) that add up to ``total`` exactly."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(n)]
    scale = total / Decimal(str(sum(weights)))
    amounts = [
        (Decimal(str(w)) * scale / 10).quantize(Decimal(1)) * 10 for w in weights
    ]
    amounts[-1] += total - sum(amounts)
    return amounts


async def load(api: Api, *, rng: random.Random) -> dict[str, Any]:
    """Create the mediation records through ``api``; returns what it created, by kind."""
    committees: dict[str, dict[str, Any]] = {}

    for code, town in TOWNSHIPS.items():
        committees[code] = await api.post(
            "/committees",
            {
                "region_code": REGION_CODE,
                "township_code": code,
                "name": f"{town}人民调解委员会",
                "kind": "township",
                "founded_on": "2011-06-01",
            },
        )
    founded = [
        await api.post(
            "/committees",
            {"region_code": REGION_CODE, "name": name, "kind": kind, "founded_on": on},
        )
        for name, kind, on in (
            ("通城县消费争议纠纷人民调解委员会", "consumer_dispute", "2023-03-15"),
            ("通城县总商会人民调解委员会", "chamber_of_commerce", "2023-08-08"),
        )
    ]

    township_codes = list(TOWNSHIPS)
    mediators = []
    for i in range(FULLTIME_RECRUITED_2023):
        code = township_codes[i % len(township_codes)]
        mediators.append(
            {
                "committee_id": committees[code]["id"],
                "name": person_name(rng),
                "employment": "full_time",
                "recruited_on": "2023-07-10",
            }
        )
    for i in range(
        33
    ):  # part-time mediators and earlier full-time recruits: not counted for 2023
        code = township_codes[i % len(township_codes)]
        mediators.append(
            {
                "committee_id": committees[code]["id"],
                "name": person_name(rng),
                "employment": "part_time" if i % 3 else "full_time",
                "recruited_on": date_in(rng, (2019, 2020, 2022)[i % 3]).isoformat(),
            }
        )
    await api.each(mediators, lambda body: api.post("/mediators", body))

    trainings = [
        {
            "region_code": REGION_CODE,
            "title": f"全县人民调解员业务培训（第{i + 1}期）",
            "held_on": dt.date(2023, 1 + (i * 3) // 4, 10 + i % 4 * 4).isoformat(),
            "attendees_count": rng.randrange(40, 160),
        }
        for i in range(TRAININGS_2023)
    ] + [
        {
            "region_code": REGION_CODE,
            "title": "2022年调解员培训",
            "held_on": "2022-09-15",
            "attendees_count": 80,
        }
    ]
    await api.each(trainings, lambda body: api.post("/trainings", body))

    # Dispute plans: which are remote, which fail; dates spread over the year.
    plans: list[dict[str, Any]] = []
    remote_idx = set(rng.sample(range(DISPUTES_2023), REMOTE_VIDEO_2023))
    failed_idx = set(rng.sample(range(DISPUTES_2023), DISPUTES_2023 - RESOLVED_2023))
    savings = iter(_cost_saved_split(rng, REMOTE_VIDEO_2023, COST_SAVED_TOTAL))
    types, weights = zip(*DISPUTE_TYPES.items(), strict=True)
    extra_committees = [c["id"] for c in founded]
    for i in range(DISPUTES_2023 + DISPUTES_2022):
        year = 2023 if i < DISPUTES_2023 else 2022
        registered = date_in(rng, year, last=dt.date(year, 12, 20))
        dispute_type = rng.choices(types, weights)[0]
        code = rng.choice(township_codes)
        committee_id = committees[code]["id"]
        if dispute_type == "consumer" and rng.random() < 0.5:
            committee_id = extra_committees[0]
        remote = i in remote_idx
        body: dict[str, Any] = {
            "committee_id": committee_id,
            "township_code": code,
            "dispute_type": dispute_type,
            "source": rng.choices(
                ["application", "own_initiative", "referral", "screening"],
                [55, 20, 10, 15],
            )[0],
            "mode": "remote_video" if remote else "on_site",
            "summary": SUMMARIES[dispute_type],
            "parties": [{"kind": "person", "name": person_name(rng)} for _ in range(2)],
            "amount_involved": f"{rng.randrange(0, 20000) * 10}.00",
            "registered_on": registered.isoformat(),
        }
        if i % 10 == 0:  # some applicants left an ID number and a phone
            body["parties"][0] |= {
                "id_number": sample_id_number(i),
                "phone": sample_phone(i),
            }
        if remote:
            body["cost_saved"] = str(next(savings))
        if (
            code in ("421222101", "421222201") and rng.random() < 0.03
        ):  # border townships
            partner = rng.choice(list(PARTNER_REGIONS))
            body["partner_region_code"] = partner
            body["partner_committee"] = (
                f"{PARTNER_REGIONS[partner]}边界联调人民调解委员会"
            )
        started = registered + dt.timedelta(days=rng.randrange(0, 3))
        concluded = min(
            started + dt.timedelta(days=rng.randrange(1, 20)), dt.date(year, 12, 31)
        )
        plans.append(
            {
                "body": body,
                "started": started,
                "concluded": concluded,
                "failed": i in failed_idx,
                "agreement_form": "written" if rng.random() < 0.8 else "oral",
            }
        )

    async def run(plan: dict[str, Any]) -> None:
        dispute = await api.post("/disputes", plan["body"])
        events = f"/disputes/{dispute['id']}/events"
        await api.post(
            events,
            {"type": "start_mediation", "occurred_on": plan["started"].isoformat()},
        )
        if plan["failed"]:
            await api.post(
                events,
                {
                    "type": "fail",
                    "occurred_on": plan["concluded"].isoformat(),
                    "reason": "双方分歧较大，调解未成",
                },
            )
        else:
            await api.post(
                events,
                {
                    "type": "resolve",
                    "occurred_on": plan["concluded"].isoformat(),
                    "agreement": {
                        "form": plan["agreement_form"],
                        "terms": "双方自愿达成协议，按约履行",
                        "performance_due_on": (
                            plan["concluded"] + dt.timedelta(days=30)
                        ).isoformat(),
                    },
                },
            )

    await api.each(plans, run)
    return {
        "committees": len(committees) + len(founded),
        "mediators": len(mediators),
        "disputes": len(plans),
    }
