"""``GET /audit-events`` (``audit:read``); nothing changes the log through the API."""

from __future__ import annotations

from reconsideration.audit.models import AuditEvent
from reconsideration.db import get_session
from shared.audit import audit_router

router = audit_router(AuditEvent, get_session)
