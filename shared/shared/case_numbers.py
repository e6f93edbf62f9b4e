"""Case numbers (案号 / 文号): ``<abbreviation><word>〔<year>〕<n>号``.

Each service numbers one kind of record per county and year, in the style of the
county's documents (e.g. 通政复〔2023〕12号):

=====================  ==================  =========================================
service                record              number
=====================  ==================  =========================================
reconsideration        application         ``通政复〔2023〕12号`` (year received)
mediation              dispute             ``通人调〔2023〕12号`` (year registered)
enforcement            supervision         ``通司执监〔2023〕3号`` (year issued)
                       instrument
=====================  ==================  =========================================

The abbreviation of a county comes from the setting ``case_number_abbreviations``
(region code → abbreviation; 421222 → 通 by default); a county without one uses its
region code (``421221政复〔2023〕1号``).

Numbers are allocated from a counter row per (series, year) by one atomic
``INSERT … ON CONFLICT DO UPDATE … RETURNING`` in the record's own transaction, never
as max()+1: concurrent creates queue on the counter row (PostgreSQL row lock; SQLite
serialises write transactions), a rolled-back create gives its number back, and the
record's ``case_number`` column is unique besides.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import cached_statement

#: Default abbreviations of county names used in case numbers.
DEFAULT_ABBREVIATIONS: dict[str, str] = {"421222": "通"}


class CaseNumberCounterMixin:
    """The last number given in a series and year (table ``case_number_counters``)."""

    series: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer)


async def next_number(
    session: AsyncSession,
    model: type[CaseNumberCounterMixin],
    *,
    series: str,
    year: int,
    count: int = 1,
) -> int:
    """The next number (1, 2, …) of ``series`` in ``year``, taken in ``session``'s
    transaction; with ``count`` > 1, that many consecutive numbers are taken (a bulk load)
    and the first is answered."""
    dialect = session.get_bind().dialect.name
    table = model.__table__  # type: ignore[attr-defined]

    def build() -> Any:
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(
            table
        )
        return insert.on_conflict_do_update(
            index_elements=[table.c.series, table.c.year],
            set_={"last_number": table.c.last_number + insert.excluded.last_number},
        ).returning(table.c.last_number)

    stmt = cached_statement(("case_numbers.next", dialect, table), build)
    result = await session.execute(
        stmt, {"series": series, "year": year, "last_number": count}
    )
    last: int = result.scalar_one()
    return last - count + 1


def case_number(
    region_code: str,
    word: str,
    year: int,
    number: int,
    abbreviations: dict[str, str] | None = None,
) -> str:
    """``<abbreviation><word>〔<year>〕<number>号``, e.g. ``case_number("421222", "政复",
    2023, 12)`` → ``通政复〔2023〕12号``."""
    table = DEFAULT_ABBREVIATIONS if abbreviations is None else abbreviations
    return f"{table.get(region_code, region_code)}{word}〔{year}〕{number}号"
