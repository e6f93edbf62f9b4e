"""The enforcement service's audit log (shared.audit; domain.md §8)."""

from __future__ import annotations

from enforcement.db import Base
from shared.audit import AuditEventMixin
from shared.db import RecordMixin


class AuditEvent(RecordMixin, AuditEventMixin, Base):
    """Who changed what, when, from where; every denied attempt; every full read of
    personal data. Rows are only ever added."""

    __tablename__ = "audit_events"
