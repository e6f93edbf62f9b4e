"""Settings of the enforcement supervision service (environment prefix ``ENFORCEMENT_``)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Self

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from shared.service import DataServiceSettings


class Settings(DataServiceSettings):
    """Attributes:
    rectification_days: calendar days an agency has to rectify after a supervision
        instrument is issued, when the instrument names no due date (configurable,
        default 30; domain.md §5, cf. 山东省行政执法监督条例 Art. 28).
    results_publication_working_days: working days after a random inspection within which
        its results are to be public; later publication is flagged (configurable, default
        20; mission-notes §3.7, Hebei local rule).
    grade_excellent_min, grade_good_min, grade_pass_min: lowest case-file review score
        (points out of 100) of the grades excellent, good and pass; lower scores fail
        (local practice, defaults 90 / 80 / 60; domain.md §5), at most one decimal, as
        scores have: a score is compared with them exactly (59.5 fails, 89.9 is good).
    """

    model_config = SettingsConfigDict(env_prefix="ENFORCEMENT_")

    service_name: ClassVar[str] = "enforcement"

    rectification_days: int = Field(default=30, ge=1, le=366)
    results_publication_working_days: int = Field(default=20, ge=1, le=250)
    grade_excellent_min: Decimal = Field(
        default=Decimal(90), ge=0, le=100, decimal_places=1
    )
    grade_good_min: Decimal = Field(default=Decimal(80), ge=0, le=100, decimal_places=1)
    grade_pass_min: Decimal = Field(default=Decimal(60), ge=0, le=100, decimal_places=1)

    @model_validator(mode="after")
    def _grades_descend(self) -> Self:
        if not self.grade_pass_min <= self.grade_good_min <= self.grade_excellent_min:
            raise ValueError("grade thresholds must satisfy pass <= good <= excellent")
        return self
