"""The field types of request bodies (shared.types)."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import BaseModel, ValidationError

from shared.types import CaseDate, Label, Prose, Yuan


class Body(BaseModel):
    on: CaseDate | None = None
    amount: Yuan | None = None


class TestCaseDate:
    def test_a_date_is_written_as_text(self) -> None:
        assert Body.model_validate({"on": "2023-05-01"}).on == dt.date(2023, 5, 1)

    @pytest.mark.parametrize(
        "number", [0, 1_682_899_200, 2023.5, True, "0", "1682899200", "20230501"]
    )
    def test_a_number_is_no_date(self, number: object) -> None:
        # Pydantic alone reads a number as seconds since 1970 (found by the API fuzzer).
        with pytest.raises(ValidationError, match="YYYY-MM-DD"):
            Body.model_validate({"on": number})

    def test_the_schema_states_the_span(self) -> None:
        schema = Body.model_json_schema()["properties"]["on"]["anyOf"][0]
        assert schema == {
            "type": "string",
            "format": "date",
            "formatMinimum": "1949-10-01",
            "formatMaximum": "2100-12-31",
        }


def test_the_yuan_schema_states_what_is_accepted() -> None:
    schema = Body.model_json_schema()["properties"]["amount"]["anyOf"][0]
    text, number = schema["anyOf"]
    assert text == {"type": "string", "pattern": r"^[0-9]{1,12}(\.[0-9]{1,2})?$"}
    assert number == {"type": "number", "minimum": 0, "maximum": 999999999999.99}
    with pytest.raises(ValidationError):
        Body.model_validate({"amount": ""})


class TestText:
    """Label and Prose: one agency is one agency, whatever the spaces around it."""

    @staticmethod
    def model() -> type[BaseModel]:
        class Body(BaseModel):
            label: Label
            prose: Prose | None = None

        return Body

    def test_surrounding_whitespace_is_removed(self) -> None:
        body = self.model()(label="　县公安局 \n", prose="  第一行\n第二行\t完 ")
        assert (body.label, body.prose) == ("县公安局", "第一行\n第二行\t完")  # type: ignore[attr-defined]

    @pytest.mark.parametrize(
        "value",
        [
            "",
            "   ",
            "\u3000",
            "县\n公安局",
            "\u202e局",
            "局\u200b",
            "\ufeff",
            "x\u0085y",
            "x\u2028y",
        ],
    )
    def test_blank_control_or_invisible_labels_are_refused(self, value: str) -> None:
        with pytest.raises(ValidationError):
            self.model()(label=value)

    @pytest.mark.parametrize("value", ["\u202e理由", "理由\u0007", " "])
    def test_prose_refuses_them_too_but_keeps_lines(self, value: str) -> None:
        with pytest.raises(ValidationError):
            self.model()(label="x", prose=value)
