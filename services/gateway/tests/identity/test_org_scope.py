"""Which regions an organisation may act for: a county, or a province or the country for a
caller of the statistics and reports of every county in it; never a prefecture or an
unknown province (a caller that could read nothing)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gateway.identity.schemas import OrgCreate


@pytest.mark.parametrize("region_code", ["421222", "420000", "000000", "110101"])
def test_a_county_a_province_or_the_country(region_code: str) -> None:
    assert OrgCreate(region_code=region_code).region_code == region_code


@pytest.mark.parametrize("region_code", ["421200", "990000", "991222", "42122"])
def test_not_a_prefecture_nor_an_unknown_province(region_code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        OrgCreate(region_code=region_code)
    assert caught.value.errors()[0]["loc"] == ("region_code",)


def test_a_township_lies_in_its_county() -> None:
    with pytest.raises(ValidationError):
        OrgCreate(region_code="420000", township_code="421222100")
