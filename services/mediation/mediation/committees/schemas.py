from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mediation.committees.models import CommitteeKind, MemberRole, Sex
from mediation.schemas import RegionCode, TownshipCode, township_in_region
from shared.errors import InvalidInput
from shared.types import CaseDate


class MemberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    sex: Sex
    role: MemberRole = MemberRole.member


class MemberRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    sex: Sex
    role: MemberRole


class CommitteeComposition(BaseModel):
    """The members and term of a committee. For village and residents' committees the law
    asks for 3 to 9 members, one chair and a woman among them, elected for 3 years
    (人民调解法 Art. 8–9); a committee that breaks these rules is kept and shows
    ``warnings``."""

    model_config = ConfigDict(extra="forbid")

    term_starts_on: CaseDate | None = None
    term_ends_on: CaseDate | None = None
    members: list[MemberCreate] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _term_in_order(self) -> CommitteeComposition:
        if (
            self.term_starts_on is not None
            and self.term_ends_on is not None
            and self.term_ends_on < self.term_starts_on
        ):
            raise InvalidInput(
                "term_ends_on is before term_starts_on",
                field="term_ends_on",
                code="too_early",
            )
        return self


class CommitteeWarning(BaseModel):
    code: str = Field(
        description="members_too_few, members_too_many, no_woman_member, no_chair, "
        "more_than_one_chair, term_longer_than_three_years (village and residents' "
        "committees, 人民调解法 Art. 8–9), term_ended (any committee with a term). "
        "Extensible: tolerate new codes.",
        examples=["no_woman_member"],
    )
    message: str


class CommitteeCreate(CommitteeComposition):
    model_config = ConfigDict(extra="forbid")

    region_code: RegionCode
    township_code: TownshipCode | None = None
    name: str = Field(min_length=1, max_length=200, examples=["隽水镇人民调解委员会"])
    kind: CommitteeKind
    founded_on: CaseDate | None = Field(
        default=None, description="Date the committee was founded."
    )

    @model_validator(mode="after")
    def _township_in_region(self) -> CommitteeCreate:
        township_in_region(self.region_code, self.township_code)
        return self


class CommitteeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    region_code: str
    township_code: str | None
    name: str
    kind: CommitteeKind
    founded_on: dt.date | None
    term_starts_on: dt.date | None
    term_ends_on: dt.date | None
    members: list[MemberRead]
    warnings: list[CommitteeWarning] = Field(
        description="Rules of the law the committee breaks as recorded (warned, not "
        "refused), judged today."
    )
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class CommitteeFilters(BaseModel):
    region_code: RegionCode | None = None
    township_code: TownshipCode | None = None
    kind: CommitteeKind | None = None
    year: int | None = Field(
        default=None, ge=1949, le=2100, description="Founded in this year."
    )
