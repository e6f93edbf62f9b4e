"""The reconsideration service's audit log (shared.audit; domain.md §8)."""

from __future__ import annotations

from reconsideration.db import Base
from shared.audit import AuditEventMixin
from shared.db import RecordMixin


class AuditEvent(RecordMixin, AuditEventMixin, Base):
    """One audited change, full read of personal data, or denied attempt."""

    __tablename__ = "audit_events"
