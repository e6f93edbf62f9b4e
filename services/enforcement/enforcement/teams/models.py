from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from enforcement.db import Base
from shared.db import RecordMixin


class TeamEventType(StrEnum):
    dissolve = "dissolve"


class ComprehensiveEnforcementTeam(RecordMixin, Base):
    """A comprehensive enforcement team (综合执法队伍) of a county, formed from member agencies.

    It exists from ``established_on`` until the day before ``dissolved_on``.
    """

    __tablename__ = "comprehensive_enforcement_teams"

    region_code: Mapped[str] = mapped_column(String(6), index=True)
    name: Mapped[str] = mapped_column(String(200))
    established_on: Mapped[dt.date] = mapped_column(Date, index=True)
    dissolved_on: Mapped[dt.date | None] = mapped_column(Date)

    members: Mapped[list[TeamMember]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="TeamMember.position"
    )

    @property
    def member_agency_ids(self) -> list[uuid.UUID]:
        return [m.agency_id for m in self.members]


class TeamMember(RecordMixin, Base):
    """An agency taking part in a comprehensive enforcement team."""

    __tablename__ = "team_members"
    __table_args__ = (UniqueConstraint("team_id", "agency_id"),)

    team_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("comprehensive_enforcement_teams.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("enforcement_agencies.id"), index=True
    )
    position: Mapped[int]


class TeamEvent(RecordMixin, Base):
    """One lifecycle command applied to a team: what, on which date, by whom."""

    __tablename__ = "team_events"

    team_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("comprehensive_enforcement_teams.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[TeamEventType] = mapped_column(
        Enum(
            TeamEventType,
            name="team_event_type",
            native_enum=False,
            create_constraint=True,
            length=40,
        )
    )
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
