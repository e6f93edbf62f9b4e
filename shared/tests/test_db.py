from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.dialects import sqlite

from shared.db import Money, UTCDateTime, sqlite_url

DIALECT = sqlite.dialect()


class TestMoney:
    @pytest.mark.parametrize(
        ("yuan", "fen"), [("0", 0), ("1.5", 150), ("553680.00", 55368000), ("0.01", 1)]
    )
    def test_yuan_are_stored_as_integer_fen(self, yuan: str, fen: int) -> None:
        assert Money().process_bind_param(Decimal(yuan), DIALECT) == fen
        assert Money().process_result_value(fen, DIALECT) == Decimal(yuan).quantize(
            Decimal("0.01")
        )

    def test_fractions_of_a_fen_are_refused(self) -> None:
        with pytest.raises(ValueError, match="two decimals"):
            Money().process_bind_param(Decimal("1.005"), DIALECT)


class TestUTCDateTime:
    def test_naive_timestamps_are_refused(self) -> None:
        with pytest.raises(ValueError, match="naive"):
            UTCDateTime().process_bind_param(dt.datetime(2023, 1, 1), DIALECT)  # noqa: DTZ001

    def test_values_come_back_in_utc(self) -> None:
        beijing = dt.timezone(dt.timedelta(hours=8))
        stored = UTCDateTime().process_bind_param(
            dt.datetime(2023, 1, 1, 8, tzinfo=beijing), DIALECT
        )
        assert stored == dt.datetime(2023, 1, 1, 0, tzinfo=dt.UTC)
        naive_from_sqlite = dt.datetime(2023, 1, 1)  # noqa: DTZ001
        assert UTCDateTime().process_result_value(
            naive_from_sqlite, DIALECT
        ) == dt.datetime(2023, 1, 1, tzinfo=dt.UTC)


def test_sqlite_url_creates_the_data_directory(tmp_path: object) -> None:
    from pathlib import Path

    data_dir = Path(str(tmp_path)) / "var" / "nested"
    url = sqlite_url(data_dir, "mediation")
    assert data_dir.is_dir()
    assert url == f"sqlite+aiosqlite:///{data_dir.resolve()}/mediation.sqlite3"
