"""通城县 2023 sample for the enforcement supervision service (行政执法监督).

Reproduces (domain.md §7): 14 supervision recommendations (建议书), all replied to and
verified rectified; 5 enterprise-related social supervisors; 15 / 3 / 39 lenient list
items (exempt / no penalty / lighter or reduced); 46 random inspections, 34 of them joint
(74%), covering every item on the inspection lists (100%); 112 newly hired officers
trained; 5 clues of the road-traffic special campaign, all rectified; 3 unperformed
judgments rectified; 5 comprehensive enforcement teams. A smaller 2022 history (and a
few records that only take effect in 2024) makes sure the report counts the year asked
for and nothing else. Every record is created through the service's public API.
"""

from __future__ import annotations

import datetime as dt
import random
from itertools import cycle
from typing import Any

from gateway.sample.common import REGION_CODE, TOWNSHIPS, Api, date_in, person_name

RECOMMENDATIONS_2023 = 14
ENTERPRISE_SUPERVISORS_2023 = 5
LENIENT_2023 = {"exempt": 15, "no_penalty": 3, "lighter": 24, "reduced": 15}
RANDOM_INSPECTIONS_2023 = 46
JOINT_INSPECTIONS_2023 = 34
NEW_OFFICERS_TRAINED_2023 = 112
CAMPAIGN_2023 = "道路交通安全和运输执法领域突出问题专项整治"
CAMPAIGN_CLUES_2023 = 5

RECOMMENDATIONS_2022 = 9
LENIENT_2022 = {"exempt": 6, "no_penalty": 10, "lighter": 8, "reduced": 4}
RANDOM_INSPECTIONS_2022 = 30
JOINT_INSPECTIONS_2022 = 12
NEW_OFFICERS_2022 = 40

#: The county's enforcement agencies (执法主体): name, sector, random-inspection list items.
AGENCIES: list[tuple[str, str, list[str]]] = [
    (
        "通城县市场监督管理局",
        "市场监管",
        [
            "食品经营者落实主体责任情况检查",
            "特种设备使用单位安全管理检查",
            "产品质量监督抽查",
        ],
    ),
    (
        "通城县交通运输局",
        "交通运输",
        ["道路运输经营者经营行为检查", "机动车维修经营者检查", "公路超限运输检查"],
    ),
    (
        "咸宁市生态环境局通城分局",
        "生态环境",
        [
            "排污许可证执行情况检查",
            "建设项目环境保护设施检查",
            "危险废物规范化管理检查",
        ],
    ),
    (
        "通城县农业农村局",
        "农业农村",
        ["农药经营使用检查", "兽药饲料质量检查", "农作物种子质量检查"],
    ),
    ("通城县文化和旅游局", "文化旅游", ["娱乐场所经营活动检查", "旅行社经营行为检查"]),
    (
        "通城县自然资源和规划局",
        "自然资源",
        ["矿产资源开发利用检查", "土地利用动态巡查"],
    ),
    (
        "通城县住房和城乡建设局",
        "住房城建",
        ["建筑工程施工质量安全检查", "房地产开发企业资质检查"],
    ),
    (
        "通城县应急管理局",
        "应急管理",
        ["危险化学品经营单位检查", "非煤矿山安全生产检查", "工贸企业安全生产检查"],
    ),
    (
        "通城县卫生健康局",
        "卫生健康",
        ["公共场所卫生检查", "医疗机构依法执业检查", "生活饮用水卫生检查"],
    ),
    (
        "通城县城市管理执法局",
        "城市管理",
        ["城市建筑垃圾处置检查", "户外广告设施设置检查"],
    ),
    ("通城县水利和湖泊局", "水利", []),
    ("通城县人力资源和社会保障局", "人力资源社会保障", []),
]
#: Items put on the lists on 2023-01-01 (not on any 2022 list), by agency index.
ITEMS_ADDED_2023 = {0: "网络交易平台经营者检查", 8: "放射诊疗机构检查"}
#: Items taken off the lists on 2022-11-01 (on the 2022 lists only), by agency index.
ITEMS_DELISTED_2022 = {1: "出租汽车经营者检查", 4: "互联网上网服务营业场所检查"}
DELISTED_ON = dt.date(2022, 11, 1)

#: Comprehensive enforcement teams: name, member agency indexes, established, dissolved.
TEAMS: list[tuple[str, list[int], str, str | None]] = [
    ("通城县市场监管综合行政执法大队", [0], "2022-06-28", None),
    ("通城县农业综合行政执法大队", [3], "2022-09-15", None),
    ("咸宁市生态环境保护综合行政执法支队通城大队", [2], "2023-03-20", None),
    ("通城县交通运输综合行政执法大队", [1], "2023-05-16", None),
    ("通城县文化市场综合行政执法大队", [4], "2023-07-11", None),
    # Merged into the new urban-management arrangements in mid-2023.
    ("通城县城市管理综合执法大队", [9, 6], "2022-03-01", "2023-06-30"),
]

FINDINGS = [
    "行政处罚案件未按规定进行重大执法决定法制审核",
    "执法全过程记录不完整，缺少现场执法音像记录",
    "行政执法公示信息未在规定时限内公开",
    "部分执法人员未持有效执法证件开展执法",
    "涉企检查频次过高，存在重复检查问题",
    "自由裁量权基准适用说明理由不充分",
    "行政处罚决定书送达程序不规范",
]
LENIENT_MATTERS = {
    "exempt": (
        "首次违法、危害后果轻微并及时改正的{}违法行为",
        "《中华人民共和国行政处罚法》第三十三条第一款",
    ),
    "no_penalty": (
        "当事人有证据足以证明没有主观过错的{}违法行为",
        "《中华人民共和国行政处罚法》第三十三条第二款",
    ),
    "lighter": (
        "主动消除或者减轻违法行为危害后果的{}违法行为",
        "《中华人民共和国行政处罚法》第三十二条第一项",
    ),
    "reduced": (
        "配合行政机关查处违法行为有立功表现的{}违法行为",
        "《中华人民共和国行政处罚法》第三十二条第四项",
    ),
}
SUPERVISOR_SECTORS_ENTERPRISE = [
    "县工商联",
    "民营企业代表",
    "个体劳动者协会",
    "律师",
    "县总商会",
]
SUPERVISOR_SECTORS_OTHER = ["人大代表", "政协委员", "新闻媒体", "社区工作者"]


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _cap(day: dt.date, year: int) -> dt.date:
    return min(day, dt.date(year, 12, 31))


async def load(api: Api, *, rng: random.Random) -> dict[str, Any]:
    """Create the enforcement records through ``api``; returns what it created, by kind."""
    towns = list(TOWNSHIPS.values())

    agencies = [
        await api.post(
            "/enforcement-agencies",
            {"region_code": REGION_CODE, "name": name, "sector": sector},
        )
        for name, sector, _ in AGENCIES
    ]
    agency_ids = [a["id"] for a in agencies]

    # -- comprehensive enforcement teams: 3 at the end of 2022, 5 at the end of 2023 --------
    for name, members, established, dissolved in TEAMS:
        team = await api.post(
            "/comprehensive-enforcement-teams",
            {
                "region_code": REGION_CODE,
                "name": name,
                "established_on": established,
                "member_agency_ids": [agency_ids[i] for i in members],
            },
        )
        if dissolved:
            await api.post(
                f"/comprehensive-enforcement-teams/{team['id']}/events",
                {"type": "dissolve", "occurred_on": dissolved},
            )

    counts = {
        "agencies": len(agencies),
        "teams": len(TEAMS),
        "officers": await _officers(api, rng, agency_ids),
        "instruments": await _instruments(api, rng, agency_ids, towns),
        "case_file_reviews": await _reviews(api, rng, agency_ids),
        "social_supervisors": await _supervisors(api, rng),
        "lenient_items": await _lenient_items(api, rng, agency_ids),
    }
    counts.update(await _inspections(api, rng, agency_ids))
    counts.update(await _campaigns(api, rng, agency_ids, towns))
    counts["judgment_performances"] = await _judgments(api, rng, agency_ids)
    return counts


async def _officers(api: Api, rng: random.Random, agency_ids: list[str]) -> int:
    """112 officers hired in 2023 and trained in 2023; 8 more hired late in 2023 whose
    training is in 2024 or not yet done; 40 hired and trained in 2022."""
    plans: list[dict[str, Any]] = []
    for i in range(NEW_OFFICERS_TRAINED_2023 + 8 + NEW_OFFICERS_2022):
        year = 2022 if i >= NEW_OFFICERS_TRAINED_2023 + 8 else 2023
        late = NEW_OFFICERS_TRAINED_2023 <= i < NEW_OFFICERS_TRAINED_2023 + 8
        trained: dt.date | None
        if late:
            hired = date_in(
                rng, year, first=dt.date(year, 12, 1), last=dt.date(year, 12, 20)
            )
            trained = dt.date(2024, 1, 8) if i % 2 else None
        else:
            hired = date_in(rng, year, last=dt.date(year, 11, 30))
            trained = _cap(hired + dt.timedelta(days=rng.randrange(7, 30)), year)
        plans.append(
            {
                "body": {
                    "agency_id": agency_ids[i % len(agency_ids)],
                    "name": person_name(rng),
                    "certificate_number": f"{REGION_CODE}{year}{i:04d}",
                    "certificate_valid_until": _iso(
                        dt.date(year + 5, hired.month, min(hired.day, 28))
                    ),
                    "hired_on": _iso(hired),
                },
                "trained": trained,
                "by_command": i % 2 == 0,
            }
        )

    async def run(plan: dict[str, Any]) -> None:
        body = dict(plan["body"])
        trained = plan["trained"]
        if trained and not plan["by_command"]:
            body["training_completed_on"] = _iso(trained)
        officer = await api.post("/officers", body)
        if trained and plan["by_command"]:
            await api.post(
                f"/officers/{officer['id']}/events",
                {"type": "record_training", "occurred_on": _iso(trained)},
            )

    await api.each(plans, run)
    return len(plans)


async def _instruments(
    api: Api, rng: random.Random, agency_ids: list[str], towns: list[str]
) -> int:
    """14 recommendations in 2023, each replied to and verified (one after a refused first
    reply), plus opinions and a decision that do not count as recommendations; 9
    recommendations in 2022, of which one escalated and one still waiting for verification."""
    plans: list[dict[str, Any]] = []
    for i in range(RECOMMENDATIONS_2023):
        plans.append(
            {
                "kind": "recommendation",
                "year": 2023,
                "path": "refused" if i == 3 else "rectified",
            }
        )
    plans.append({"kind": "opinion", "year": 2023, "path": "escalated"})
    plans.append({"kind": "opinion", "year": 2023, "path": "rectified"})
    for i in range(RECOMMENDATIONS_2022):
        path = {0: "escalated", 1: "replied"}.get(i, "rectified")
        plans.append({"kind": "recommendation", "year": 2022, "path": path})
    for plan in plans:
        plan["agency_id"] = rng.choice(agency_ids[:10])
        plan["issued"] = date_in(rng, plan["year"], last=dt.date(plan["year"], 10, 31))
        plan["findings"] = f"{rng.choice(towns)}执法检查发现：{rng.choice(FINDINGS)}"
        plan["reply_after"] = dt.timedelta(days=rng.randrange(10, 28))
        plan["verify_after"] = dt.timedelta(days=rng.randrange(3, 15))

    async def run(plan: dict[str, Any]) -> dict[str, Any]:
        issued: dt.date = plan["issued"]
        instrument = await api.post(
            "/supervision-instruments",
            {
                "kind": plan["kind"],
                "agency_id": plan["agency_id"],
                "findings": plan["findings"],
                "required_actions": "对照问题逐项整改，于期限内书面报送整改情况",
                "issued_on": _iso(issued),
            },
        )
        events = f"/supervision-instruments/{instrument['id']}/events"
        due = dt.date.fromisoformat(instrument["due_on"])
        if plan["path"] == "escalated":
            await api.post(
                events,
                {
                    "type": "mark_overdue",
                    "occurred_on": _iso(due + dt.timedelta(days=1)),
                },
            )
            await api.post(
                events,
                {
                    "type": "escalate",
                    "occurred_on": _iso(due + dt.timedelta(days=10)),
                    "measure": "talk_with_leaders",
                },
            )
            return instrument
        replied = issued + plan["reply_after"]
        await api.post(
            events,
            {
                "type": "record_reply",
                "occurred_on": _iso(replied),
                "reply": "已完成整改并报送整改报告",
            },
        )
        if plan["path"] == "replied":
            return instrument
        if plan["path"] == "refused":
            refused = replied + dt.timedelta(days=3)
            await api.post(
                events,
                {
                    "type": "refuse_rectification",
                    "occurred_on": _iso(refused),
                    "reason": "整改措施不具体，请补充佐证材料",
                    "due_on": _iso(refused + dt.timedelta(days=15)),
                },
            )
            replied = refused + dt.timedelta(days=10)
            await api.post(
                events,
                {
                    "type": "record_reply",
                    "occurred_on": _iso(replied),
                    "reply": "已补充整改佐证材料",
                },
            )
        verified = replied + plan["verify_after"]
        await api.post(
            events, {"type": "verify_rectification", "occurred_on": _iso(verified)}
        )
        return instrument

    created = await api.each(plans, run)
    # A decision that follows up the escalated 2023 opinion (same agency).
    escalated = next(
        c
        for c, p in zip(created, plans, strict=True)
        if (p["year"], p["kind"], p["path"]) == (2023, "opinion", "escalated")
    )
    await api.post(
        "/supervision-instruments",
        {
            "kind": "decision",
            "agency_id": escalated["agency_id"],
            "findings": "逾期未整改行政执法监督意见书所列问题",
            "required_actions": "责令限期改正，并将改正情况书面报告县司法局",
            "issued_on": _iso(
                dt.date.fromisoformat(escalated["due_on"]) + dt.timedelta(days=20)
            ),
            "follow_up_of": escalated["id"],
        },
    )
    return len(plans) + 1


async def _reviews(api: Api, rng: random.Random, agency_ids: list[str]) -> int:
    """Case-file reviews (案卷评查): 36 in 2023, 20 in 2022."""
    bodies = []
    for i in range(56):
        year = 2023 if i < 36 else 2022
        veto = i % 17 == 5
        bodies.append(
            {
                "agency_id": agency_ids[i % len(agency_ids)],
                "case_reference": f"通执罚〔{year}〕{i + 1:03d}号",
                "reviewed_on": _iso(date_in(rng, year, first=dt.date(year, 9, 1))),
                "reviewer": "县司法局行政执法案卷评查组",
                "total_score": f"{rng.randrange(560, 990) / 10:.1f}",
                "veto": veto,
            }
        )
    await api.each(bodies, lambda body: api.post("/case-file-reviews", body))
    return len(bodies)


async def _supervisors(api: Api, rng: random.Random) -> int:
    """5 enterprise-related social supervisors appointed in 2023, 3 other supervisors in
    2023, 3 enterprise-related ones in 2022."""
    plans = [
        (True, 2023, s)
        for s in SUPERVISOR_SECTORS_ENTERPRISE[:ENTERPRISE_SUPERVISORS_2023]
    ]
    plans += [(False, 2023, s) for s in SUPERVISOR_SECTORS_OTHER[:3]]
    plans += [(True, 2022, s) for s in SUPERVISOR_SECTORS_ENTERPRISE[:3]]
    bodies = []
    for enterprise, year, sector in plans:
        appointed = dt.date(year, 6, 18) if year == 2023 else date_in(rng, year)
        bodies.append(
            {
                "region_code": REGION_CODE,
                "name": person_name(rng),
                "sector": sector,
                "enterprise_related": enterprise,
                "appointed_on": _iso(appointed),
                "term_ends_on": _iso(
                    dt.date(year + 3, appointed.month, appointed.day)
                    - dt.timedelta(days=1)
                ),
            }
        )
    await api.each(bodies, lambda body: api.post("/social-supervisors", body))
    return len(bodies)


async def _lenient_items(api: Api, rng: random.Random, agency_ids: list[str]) -> int:
    """免罚清单 items by measure: 15 / 3 / 24 + 15 effective in 2023, fewer in 2022, and
    two items that only take effect in 2024."""
    bodies = []
    for year, by_measure in (
        (2023, LENIENT_2023),
        (2022, LENIENT_2022),
        (2024, {"exempt": 1, "reduced": 1}),
    ):
        for measure, n in by_measure.items():
            matter, basis = LENIENT_MATTERS[measure]
            for _ in range(n):
                index = rng.randrange(10)
                bodies.append(
                    {
                        "agency_id": agency_ids[index],
                        "measure": measure,
                        "matter": matter.format(AGENCIES[index][1]),
                        "legal_basis": basis,
                        "effective_on": _iso(
                            date_in(
                                rng,
                                year,
                                last=dt.date(year, 3, 31) if year == 2024 else None,
                            )
                        ),
                    }
                )
    await api.each(
        bodies, lambda body: api.post("/lenient-enforcement-list-items", body)
    )
    return len(bodies)


async def _inspections(
    api: Api, rng: random.Random, agency_ids: list[str]
) -> dict[str, int]:
    """Inspection lists and "双随机、一公开" tasks.

    2023: 46 tasks, 34 joint. The lists of 2023 hold items every task of the year may
    cover (listed by 2023-01-01, none delisted in 2023); each department taking part
    covers the next item of its list in turn, and every listing agency leads at least
    four tasks, so every item is covered (100%). 2022: 30 tasks, 12 joint, each covering
    the first item of its departments' lists only (coverage well below 100%).
    """
    lists: dict[int, list[dict[str, Any]]] = {}
    delisted: list[dict[str, Any]] = []
    for index, (_, _, names) in enumerate(AGENCIES):
        items = []
        for n, name in enumerate(names):
            listed = dt.date(2022, 1 + n * 2, 1)
            items.append(
                await api.post(
                    "/inspection-items",
                    {
                        "agency_id": agency_ids[index],
                        "name": name,
                        "listed_on": _iso(listed),
                    },
                )
            )
        if index in ITEMS_ADDED_2023:
            items.append(
                await api.post(
                    "/inspection-items",
                    {
                        "agency_id": agency_ids[index],
                        "name": ITEMS_ADDED_2023[index],
                        "listed_on": "2023-01-01",
                    },
                )
            )
        if index in ITEMS_DELISTED_2022:
            delisted.append(
                await api.post(
                    "/inspection-items",
                    {
                        "agency_id": agency_ids[index],
                        "name": ITEMS_DELISTED_2022[index],
                        "listed_on": "2022-01-01",
                    },
                )
            )
        if items:
            lists[index] = items
    listing = sorted(lists)
    turns = {index: cycle(items) for index, items in lists.items()}
    delisted_by_agency = {item["agency_id"]: item for item in delisted}

    bodies: list[dict[str, Any]] = []
    plans = [
        (2023, RANDOM_INSPECTIONS_2023, JOINT_INSPECTIONS_2023),
        (2022, RANDOM_INSPECTIONS_2022, JOINT_INSPECTIONS_2022),
    ]
    for year, total, joint_total in plans:
        joint = set(rng.sample(range(total), joint_total))
        for i in range(total):
            lead = listing[i % len(listing)]
            others = [a for a in range(len(agency_ids)) if a != lead]
            participants = (
                rng.sample(others, rng.choice((1, 1, 2, 3))) if i in joint else []
            )
            inspected = date_in(
                rng, year, first=dt.date(year, 3, 1), last=dt.date(year, 12, 20)
            )
            item_ids = []
            for department in [lead, *participants]:
                if department not in lists:
                    continue
                if year == 2023:
                    item_ids.append(next(turns[department])["id"])
                else:  # first items are listed from 2022-01-01, before any 2022 task
                    item_ids.append(lists[department][0]["id"])
                gone = delisted_by_agency.get(agency_ids[department])
                if year == 2022 and gone and inspected < DELISTED_ON:
                    item_ids.append(gone["id"])
            bodies.append(
                {
                    "body": {
                        "inspected_on": _iso(inspected),
                        "lead_agency_id": agency_ids[lead],
                        "participating_agency_ids": [
                            agency_ids[p] for p in participants
                        ],
                        "inspection_item_ids": item_ids,
                        "entities_inspected": rng.randrange(5, 40),
                    },
                    "published": inspected + dt.timedelta(days=rng.randrange(5, 20)),
                    "published_by_command": rng.random() < 0.5,
                }
            )

    async def run(plan: dict[str, Any]) -> None:
        body, published = plan["body"], plan["published"]
        if not plan["published_by_command"]:
            await api.post(
                "/random-inspections", {**body, "results_published_on": _iso(published)}
            )
            return
        inspection = await api.post("/random-inspections", body)
        await api.post(
            f"/random-inspections/{inspection['id']}/events",
            {"type": "publish_results", "occurred_on": _iso(published)},
        )

    await api.each(bodies, run)
    for item in delisted:
        await api.post(
            f"/inspection-items/{item['id']}/events",
            {"type": "delist", "occurred_on": _iso(DELISTED_ON)},
        )
    return {
        "inspection_items": sum(len(items) for items in lists.values()) + len(delisted),
        "random_inspections": len(bodies),
    }


async def _campaigns(
    api: Api, rng: random.Random, agency_ids: list[str], towns: list[str]
) -> dict[str, int]:
    """The 2023 road-traffic campaign with 5 clues, all rectified in 2023; a 2022
    campaign with 4 clues, 2 rectified in 2022, 1 in 2023 and 1 still open."""
    campaign_2023 = await api.post(
        "/special-campaigns",
        {"region_code": REGION_CODE, "name": CAMPAIGN_2023, "started_on": "2023-04-10"},
    )
    campaign_2022 = await api.post(
        "/special-campaigns",
        {
            "region_code": REGION_CODE,
            "name": "涉企行政执法突出问题专项督察",
            "started_on": "2022-05-05",
        },
    )
    transport, urban, market = agency_ids[1], agency_ids[9], agency_ids[0]
    clues_2023 = [
        (transport, "货运车辆超限超载执法中存在以罚代管问题"),
        (transport, "出租汽车执法检查未全程音像记录"),
        (transport, "农村客运线路执法检查频次不足"),
        (urban, "占道经营整治中执法文书使用不规范"),
        (transport, "道路运输执法人员未按规定亮证执法"),
    ]
    plans: list[tuple[str, str, str, dt.date, dt.date | None]] = []
    for agency_id, text in clues_2023[:CAMPAIGN_CLUES_2023]:
        found = date_in(
            rng, 2023, first=dt.date(2023, 4, 15), last=dt.date(2023, 9, 30)
        )
        plans.append(
            (
                campaign_2023["id"],
                agency_id,
                f"{rng.choice(towns)}：{text}",
                found,
                found + dt.timedelta(days=rng.randrange(15, 60)),
            )
        )
    for n, rectified in enumerate(
        (dt.date(2022, 10, 20), dt.date(2022, 12, 15), dt.date(2023, 2, 20), None)
    ):
        found = dt.date(2022, 6 + n, 10)
        plans.append(
            (
                campaign_2022["id"],
                market,
                f"{rng.choice(towns)}：涉企检查重复多头问题",
                found,
                rectified,
            )
        )

    async def run(plan: tuple[str, str, str, dt.date, dt.date | None]) -> None:
        campaign_id, agency_id, description, found, rectified = plan
        clue = await api.post(
            f"/special-campaigns/{campaign_id}/problem-clues",
            {
                "agency_id": agency_id,
                "found_on": _iso(found),
                "description": description,
            },
        )
        if rectified:
            await api.post(
                f"/problem-clues/{clue['id']}/events",
                {"type": "rectify", "occurred_on": _iso(rectified)},
            )

    await api.each(plans, run)
    return {"special_campaigns": 2, "problem_clues": len(plans)}


async def _judgments(api: Api, rng: random.Random, agency_ids: list[str]) -> int:
    """Unperformed judgments (生效裁判履行监督): 3 rectified in 2023 (one of them found in
    2022), one rectified in 2022, one found in 2023 and not yet performed."""
    plans = [
        ("(2022)鄂1222行初21号", "2022-11-08", "2023-03-15"),
        ("(2023)鄂1222行初4号", "2023-04-12", "2023-07-28"),
        ("(2023)鄂1222行初9号", "2023-06-05", "2023-10-30"),
        ("(2021)鄂1222行初30号", "2022-03-01", "2022-08-19"),
        ("(2023)鄂1222行初17号", "2023-11-20", None),
    ]
    for reference, found, rectified in plans:
        item = await api.post(
            "/judgment-performances",
            {
                "agency_id": rng.choice(agency_ids[:10]),
                "judgment_reference": reference,
                "found_on": found,
            },
        )
        if rectified:
            await api.post(
                f"/judgment-performances/{item['id']}/events",
                {"type": "rectify", "occurred_on": rectified},
            )
    return len(plans)
