from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from enforcement.db import Base
from shared.db import RecordMixin


def _enum(cls: type[StrEnum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, create_constraint=True, length=40)


class InspectionItemEventType(StrEnum):
    delist = "delist"


class RandomInspectionEventType(StrEnum):
    publish_results = "publish_results"


class InspectionItem(RecordMixin, Base):
    """An item (抽查事项) on an agency's random-inspection list.

    It is on the list on every day ``d`` with ``listed_on <= d`` and, once delisted,
    ``d < delisted_on``.
    """

    __tablename__ = "inspection_items"

    agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("enforcement_agencies.id"), index=True
    )
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    name: Mapped[str] = mapped_column(String(300))
    listed_on: Mapped[dt.date] = mapped_column(Date)
    delisted_on: Mapped[dt.date | None] = mapped_column(Date)

    def on_list(self, day: dt.date) -> bool:
        return self.listed_on <= day and (
            self.delisted_on is None or day < self.delisted_on
        )


class InspectionItemEvent(RecordMixin, Base):
    """One command applied to an inspection item: what, on which date, by whom."""

    __tablename__ = "inspection_item_events"

    item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("inspection_items.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[InspectionItemEventType] = mapped_column(
        _enum(InspectionItemEventType, "inspection_item_event_type")
    )
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class RandomInspection(RecordMixin, Base):
    """A "双随机、一公开" inspection task led by one agency, possibly with others (joint)."""

    __tablename__ = "random_inspections"
    __table_args__ = (
        Index(
            "ix_random_inspections_region_code_inspected_on",
            "region_code",
            "inspected_on",
        ),
        CheckConstraint("department_count >= 1", name="department_count_positive"),
        CheckConstraint(
            "entities_inspected >= 0", name="entities_inspected_not_negative"
        ),
    )

    region_code: Mapped[str] = mapped_column(String(6))
    inspected_on: Mapped[dt.date] = mapped_column(Date)
    lead_agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("enforcement_agencies.id"), index=True
    )
    department_count: Mapped[int] = mapped_column(Integer)
    entities_inspected: Mapped[int] = mapped_column(Integer)
    results_published_on: Mapped[dt.date | None] = mapped_column(Date)

    participants: Mapped[list[RandomInspectionAgency]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="RandomInspectionAgency.position",
    )
    items: Mapped[list[RandomInspectionItem]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="RandomInspectionItem.position",
    )
    inspectors: Mapped[list[RandomInspectionOfficer]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="RandomInspectionOfficer.position",
    )

    @property
    def joint(self) -> bool:
        return self.department_count > 1

    @property
    def participating_agency_ids(self) -> list[uuid.UUID]:
        return [p.agency_id for p in self.participants]

    @property
    def inspection_item_ids(self) -> list[uuid.UUID]:
        return [i.item_id for i in self.items]

    @property
    def inspector_officer_ids(self) -> list[uuid.UUID]:
        return [i.officer_id for i in self.inspectors]


class RandomInspectionAgency(RecordMixin, Base):
    """An agency other than the lead taking part in a random inspection."""

    __tablename__ = "random_inspection_agencies"
    __table_args__ = (UniqueConstraint("inspection_id", "agency_id"),)

    inspection_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("random_inspections.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("enforcement_agencies.id"), index=True
    )
    position: Mapped[int]


class RandomInspectionItem(RecordMixin, Base):
    """An inspection item covered by a random inspection."""

    __tablename__ = "random_inspection_items"
    __table_args__ = (UniqueConstraint("inspection_id", "item_id"),)

    inspection_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("random_inspections.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("inspection_items.id"), index=True
    )
    position: Mapped[int]


class RandomInspectionOfficer(RecordMixin, Base):
    """An officer who inspected (检查人员) in a random inspection: acting on ``inspected_on``."""

    __tablename__ = "random_inspection_officers"
    __table_args__ = (UniqueConstraint("inspection_id", "officer_id"),)

    inspection_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("random_inspections.id", ondelete="CASCADE"), index=True
    )
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("officers.id"), index=True)
    position: Mapped[int]


class RandomInspectionEvent(RecordMixin, Base):
    """One command applied to a random inspection: what, on which date, by whom."""

    __tablename__ = "random_inspection_events"

    inspection_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("random_inspections.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[RandomInspectionEventType] = mapped_column(
        _enum(RandomInspectionEventType, "random_inspection_event_type")
    )
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
