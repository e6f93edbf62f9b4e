from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import Date, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.db import Base
from shared.db import RecordMixin


class CommitteeKind(StrEnum):
    """Kinds of people's mediation committee (人民调解委员会), domain.md §4."""

    village = "village"
    residents = "residents"
    township = "township"
    industry = "industry"
    enterprise = "enterprise"
    chamber_of_commerce = "chamber_of_commerce"
    consumer_dispute = "consumer_dispute"
    other = "other"

    @classmethod
    def elected(cls) -> frozenset[CommitteeKind]:
        """Kinds whose composition the law fixes (人民调解法 Art. 8–9)."""
        return frozenset({cls.village, cls.residents})


class Sex(StrEnum):
    female = "female"
    male = "male"


class MemberRole(StrEnum):
    """主任, 副主任, 委员 (人民调解法 Art. 8)."""

    chair = "chair"
    deputy_chair = "deputy_chair"
    member = "member"


def _enum(cls: type[StrEnum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, create_constraint=True, length=32)


class MediationCommittee(RecordMixin, Base):
    __tablename__ = "mediation_committees"

    region_code: Mapped[str] = mapped_column(String(6), index=True)
    township_code: Mapped[str | None] = mapped_column(String(9), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[CommitteeKind] = mapped_column(_enum(CommitteeKind, "committee_kind"))
    founded_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    term_starts_on: Mapped[dt.date | None] = mapped_column(Date)
    term_ends_on: Mapped[dt.date | None] = mapped_column(Date)

    members: Mapped[list[CommitteeMember]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="CommitteeMember.position",
    )


class CommitteeMember(RecordMixin, Base):
    """A member (委员) of a committee in its current term."""

    __tablename__ = "committee_members"

    committee_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("mediation_committees.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))
    sex: Mapped[Sex] = mapped_column(_enum(Sex, "member_sex"))
    role: Mapped[MemberRole] = mapped_column(_enum(MemberRole, "member_role"))
