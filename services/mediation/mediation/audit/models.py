from __future__ import annotations

from mediation.db import Base
from shared.audit import AuditEventMixin
from shared.db import RecordMixin


class AuditEvent(RecordMixin, AuditEventMixin, Base):
    """Who did what to which record, and every denied attempt (shared.audit)."""

    __tablename__ = "audit_events"
