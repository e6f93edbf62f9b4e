"""What the per-service sample loaders share: the county, its townships, names, and a bounded HTTP helper."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

T = TypeVar("T")

REGION_CODE = "421222"  # 通城县, Hubei

#: The eleven townships of 通城县 with nine-digit statistical codes (plausible, for sample data).
TOWNSHIPS: dict[str, str] = {
    "421222100": "隽水镇",
    "421222101": "麦市镇",
    "421222102": "塘湖镇",
    "421222103": "关刀镇",
    "421222104": "沙堆镇",
    "421222105": "五里镇",
    "421222106": "石南镇",
    "421222107": "北港镇",
    "421222108": "马港镇",
    "421222200": "四庄乡",
    "421222201": "大坪乡",
}

#: Partner counties of border joint mediation (边界联调).
PARTNER_REGIONS = {"430626": "平江县", "360424": "修水县"}

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍申尤毕"
    "聂柴焦向柳邢岳齐沿梅莫庄辛管祝左涂谷祁时舒耿牟卜路詹关苗凌费纪靳盛童欧甄项曲成游"
    "阳裴席卫查屈鲍位霍翁隋植甘景薄单包司柏宁柯阮桂闵解强丛华车冉房边辜吉饶刁瞿戚丘古"
    "米池滕晋苑邬臧畅宫来嵺苟全褚廉简娄盖符奚木穆党燕郎邸冀谈姬屠连郜晏栾郁商蒙计喻揭"
    "窦迟宇敖糜鄢冷卓花艾蓝都巩稽井练仲乐虞卞封竺冼原官衣楚佟栗匡宗应台巫鞠僧桑荆谌银"
    "扬明沙伏岑习胥保和蔺"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红梅兰建国文斌辉鹏飞宇浩然欣"
    "怡子轩梓涵雨桐一诺佳琪思远志强海燕春花秋菊冬生德胜永福荣贵金凤银凤"
)


def person_name(rng: random.Random) -> str:
    """An invented Chinese name: surname + one or two given-name characters."""
    given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(_SURNAMES) + given


def date_in(
    rng: random.Random,
    year: int,
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> dt.date:
    start = first or dt.date(year, 1, 1)
    end = last or dt.date(year, 12, 31)
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


class SampleLoadError(RuntimeError):
    pass


@dataclass
class Api:
    """A thin client of one service's API behind the gateway (``prefix`` e.g. ``/api/v1/mediation``)."""

    client: httpx.AsyncClient
    prefix: str
    concurrency: int = 8

    #: The last ETag seen of each record, by its path (``<prefix>/<collection>/<id>``).
    etags: dict[str, str] = field(default_factory=dict)

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST with a fresh Idempotency-Key; a command (``…/events``) carries If-Match
        with the record's ETag from the last answer about it (read first if none)."""
        url = f"{self.prefix}{path}"
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        record = url.removesuffix("/events")
        if record != url:
            headers["If-Match"] = self.etags.get(record) or await self._etag(record)
        response = await self.client.post(url, json=body, headers=headers)
        if response.status_code not in (200, 201):
            raise SampleLoadError(
                f"POST {url} answered {response.status_code}: {response.text[:500]}"
            )
        if "etag" in response.headers:
            location = response.headers.get("location")
            key = httpx.URL(location).path if location else record
            self.etags[key] = response.headers["etag"]
        result: dict[str, Any] = response.json()
        return result

    async def _etag(self, record: str) -> str:
        response = await self.client.get(record)
        if response.status_code != 200 or "etag" not in response.headers:
            raise SampleLoadError(f"GET {record} answered {response.status_code}")
        return response.headers["etag"]

    async def each(
        self, items: Iterable[T], fn: Callable[[T], Awaitable[Any]]
    ) -> list[Any]:
        """Run ``fn`` over ``items`` with at most ``concurrency`` requests in flight."""
        semaphore = asyncio.Semaphore(self.concurrency)

        async def run(item: T) -> Any:
            async with semaphore:
                return await fn(item)

        return list(await asyncio.gather(*(run(i) for i in items)))
