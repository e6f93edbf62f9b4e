"""The field types of request bodies (shared.types)."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import BaseModel, ValidationError

from shared.types import CaseDate, Yuan


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
