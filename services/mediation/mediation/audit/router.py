from __future__ import annotations

from mediation.audit.models import AuditEvent
from mediation.db import get_session
from shared.audit import audit_router

router = audit_router(AuditEvent, get_session)
