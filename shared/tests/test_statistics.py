from __future__ import annotations

from decimal import Decimal

import pytest

from shared.statistics import FigureDefinition, percent_display, rate

D = FigureDefinition(formula="x/v1", text="x")


class TestPercentDisplay:
    @pytest.mark.parametrize(
        ("numerator", "denominator", "precision", "expected"),
        [
            (4459, 4561, 1, "97.8%"),  # the seed's 化解率
            (34, 46, 0, "74%"),  # the seed's joint share (73.913…)
            (14, 14, 0, "100%"),
            (1, 8, 1, "12.5%"),  # exact half stays
            (1, 16, 1, "6.3%"),  # 6.25 rounds half up, not to even
            (1, 40, 0, "3%"),  # 2.5 rounds half up
            (1, 3, 2, "33.33%"),
            (2, 3, 0, "67%"),
            (0, 5, 1, "0.0%"),
        ],
    )
    def test_half_up_at_the_reports_precision(
        self, numerator: int, denominator: int, precision: int, expected: str
    ) -> None:
        assert percent_display(numerator, denominator, precision) == expected

    def test_zero_denominator_is_undefined_not_zero(self) -> None:
        assert percent_display(0, 0, 1) == "—"


class TestRate:
    def test_value_is_the_ratio_to_six_decimals(self) -> None:
        figure = rate(4459, 4561, precision=1, definition=D)
        assert figure.value == Decimal("0.977636")
        assert (figure.numerator, figure.denominator, figure.display) == (
            4459,
            4561,
            "97.8%",
        )

    def test_empty_denominator_has_no_value(self) -> None:
        figure = rate(0, 0, precision=0, definition=D)
        assert figure.value is None
