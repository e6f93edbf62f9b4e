from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, model_validator

from enforcement.case_file_reviews.models import ReviewGrade
from enforcement.case_file_rubrics.schemas import ItemCode, Points
from enforcement.schemas import RegionCode, Year, distinct_ids
from shared.errors import InvalidInput
from shared.types import CaseDate


class GradeThresholds(NamedTuple):
    """Lowest score (points out of 100) of each passing grade; configurable (domain.md §5)."""

    excellent: Decimal
    good: Decimal
    pass_: Decimal


class ItemPoints(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item: ItemCode = Field(description="Code of a scored item of the rubric.")
    points: Points = Field(description="Points given, at most the item's max_points.")


class ScoreSheetCreate(BaseModel):
    """One reviewer's scores: every scored item of the rubric exactly once."""

    model_config = ConfigDict(extra="forbid")

    reviewer: str = Field(min_length=1, max_length=100)
    points: list[ItemPoints] = Field(min_length=1, max_length=100)


class ReviewCreate(BaseModel):
    """A reviewed case file (one review per file: agency and ``case_reference``); the
    region comes from the agency and the grade is computed.

    Two ways to record it:

    * without ``rubric_id``: ``reviewer`` (and optionally ``second_reviewer``) with the
      file's ``total_score`` and ``veto`` as agreed by the reviewers;
    * with ``rubric_id``: one or two ``score_sheets`` (one per reviewer, each scoring every
      scored item of the rubric) and the ``veto_items`` of the rubric found to apply; the
      score is computed (see ``record_review``) and ``reviewer``, ``second_reviewer`` and
      ``total_score`` must not be given.
    """

    model_config = ConfigDict(extra="forbid")

    agency_id: uuid.UUID
    case_reference: str = Field(
        min_length=1, max_length=100, examples=["通市监处罚〔2023〕15号"]
    )
    reviewed_on: CaseDate
    reviewer: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="Required without a rubric; with one, taken from the first score sheet.",
    )
    second_reviewer: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="A second reviewer (reviews are often done in pairs); without a rubric only.",
    )
    total_score: Annotated[
        Decimal | None,
        Field(
            ge=0,
            le=100,
            decimal_places=1,
            description="Points out of 100, one decimal.",
        ),
        # Pydantic would leave the string form unconstrained ("" is not a score).
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 0.1},
                    {
                        "type": "string",
                        "pattern": r"^(100(\.0)?|[0-9]{1,2}(\.[0-9])?)$",
                    },
                ],
                "description": "Points out of 100, one decimal. Required without a rubric; "
                "computed with one.",
            }
        ),
    ] = None
    veto: bool = Field(
        default=False,
        description="A veto item (一票否决) applies: the file fails whatever its score.",
    )
    rubric_id: uuid.UUID | None = Field(
        default=None, description="The rubric scored against (GET /case-file-rubrics)."
    )
    handling_officer_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=10,
        description="Officers of the agency who handled the case (承办人); needs "
        "`case_decided_on`, the day they acted.",
    )
    case_decided_on: CaseDate | None = Field(
        default=None,
        description="Date of the case's decision (决定书), on or before reviewed_on.",
    )
    score_sheets: list[ScoreSheetCreate] | None = Field(
        default=None,
        min_length=1,
        max_length=2,
        description="With a rubric: one sheet per reviewer, one or two reviewers.",
    )
    veto_items: list[ItemCode] = Field(
        default_factory=list,
        max_length=50,
        description="With a rubric: codes of its veto items that apply (each fails the file).",
    )

    @model_validator(mode="after")
    def _one_way(self) -> ReviewCreate:
        if self.case_decided_on is not None and self.case_decided_on > self.reviewed_on:
            raise InvalidInput(
                f"case_decided_on is after reviewed_on ({self.reviewed_on})",
                field="case_decided_on",
                code="too_late",
            )
        if self.handling_officer_ids and self.case_decided_on is None:
            raise InvalidInput(
                "handling officers need the date they acted: case_decided_on",
                field="case_decided_on",
                code="required_with_officers",
            )
        distinct_ids(self.handling_officer_ids, field="handling_officer_ids")
        if self.rubric_id is None:
            for name in ("score_sheets", "veto_items"):
                if getattr(self, name):
                    raise InvalidInput(
                        f"{name} needs a rubric_id", field=name, code="needs_rubric"
                    )
            for name in ("reviewer", "total_score"):
                if getattr(self, name) is None:
                    raise InvalidInput(
                        f"{name} is required without a rubric",
                        field=name,
                        code="required_without_rubric",
                    )
            if (
                self.second_reviewer is not None
                and self.second_reviewer == self.reviewer
            ):
                raise InvalidInput(
                    "the second reviewer is the first",
                    field="second_reviewer",
                    code="duplicate",
                )
            return self
        if not self.score_sheets:
            raise InvalidInput(
                "a review on a rubric needs score_sheets",
                field="score_sheets",
                code="required_with_rubric",
            )
        for name in ("reviewer", "second_reviewer", "total_score"):
            if getattr(self, name) is not None:
                raise InvalidInput(
                    f"{name} is taken from the score sheets of a rubric review",
                    field=name,
                    code="computed",
                )
        if len(self.score_sheets) == 2 and (
            self.score_sheets[0].reviewer == self.score_sheets[1].reviewer
        ):
            raise InvalidInput(
                "the two score sheets have the same reviewer",
                field="score_sheets.1.reviewer",
                code="duplicate",
            )
        return self


class ScoreSheetRead(BaseModel):
    reviewer: str
    points: dict[str, Decimal] = Field(description="Points by item code.")
    total: Decimal = Field(description="The sum of the reviewer's points.")


class ReviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    agency_id: uuid.UUID
    region_code: str
    case_reference: str
    reviewed_on: dt.date
    reviewer: str
    second_reviewer: str | None = None
    total_score: Decimal = Field(
        description="Points out of 100, one decimal; on a rubric with two reviewers the "
        "mean of their totals rounded down to one decimal."
    )
    veto: bool
    grade: ReviewGrade
    rubric_id: uuid.UUID | None = None
    score_sheets: list[ScoreSheetRead] | None = None
    veto_items: list[str] | None = None
    handling_officer_ids: list[uuid.UUID] = Field(default_factory=list)
    case_decided_on: dt.date | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class ReviewFilters(BaseModel):
    region_code: RegionCode | None = None
    agency_id: uuid.UUID | None = None
    grade: ReviewGrade | None = None
    year: Year | None = Field(default=None, description="Reviewed in this year.")


class AgencyReviewResult(BaseModel):
    """The reviews of one agency's case files in the period."""

    agency_id: uuid.UUID
    agency_name: str
    reviewed: int
    excellent: int
    good: int
    pass_: int = Field(alias="pass", serialization_alias="pass")
    fail: int
    vetoed: int = Field(description="Failed because a veto item applied.")
    mean_score: Decimal = Field(
        description="Mean of the files' scores, rounded half-up to one decimal."
    )

    model_config = ConfigDict(populate_by_name=True)


class ReviewResults(BaseModel):
    region_code: str
    year: int
    agencies: list[AgencyReviewResult] = Field(
        description="Agencies with at least one review reviewed in the year, by name."
    )


class ReviewResultsQuery(BaseModel):
    region_code: RegionCode
    year: Year
