"""One call per audited change: the event joins the endpoint's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from mediation.audit.models import AuditEvent
from shared.audit import record
from shared.auth import Principal


def audit_change(
    session: AsyncSession,
    *,
    principal: Principal,
    request: Request,
    action: str,
    resource_type: str,
    resource_id: object,
    region_code: str | None,
    changes: dict[str, Any],
    status: int,
) -> None:
    """Record a create or a command; ``changes`` holds field names and JSON values,
    personal data already masked."""
    record(
        session,
        AuditEvent,
        principal=principal,
        request=request,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        region_code=region_code,
        changes=changes,
        status=status,
    )


def audit_personal_data_read(
    session: AsyncSession,
    *,
    principal: Principal,
    request: Request,
    resource_type: str,
    resource_id: object,
    region_code: str | None,
    fields: list[str],
) -> None:
    """Record that a response showed personal data in full: the fields, never the values."""
    record(
        session,
        AuditEvent,
        principal=principal,
        request=request,
        action="read_personal_data",
        resource_type=resource_type,
        resource_id=resource_id,
        region_code=region_code,
        changes={"fields": sorted(fields)},
        status=200,
    )
