"""``GET /audit-events``: the enforcement service's audit log (read-only, shared.audit)."""

from enforcement.audit.models import AuditEvent
from enforcement.db import get_session
from shared.audit import audit_router

router = audit_router(AuditEvent, get_session)
