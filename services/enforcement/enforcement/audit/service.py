"""Recording the enforcement service's changes in the audit log.

Every create endpoint and lifecycle command calls :func:`audit_change` before its single
commit, so the event commits or rolls back with the change. ``changes`` holds the fields
the request set, personal values masked (:func:`masked_changes`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal
from enum import Enum
from typing import Any, Protocol

from fastapi import Request
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from enforcement.audit.models import AuditEvent
from shared.audit import record
from shared.auth import Principal
from shared.personal_data import mask_id_number, mask_phone


class _Audited(Protocol):
    id: uuid.UUID
    region_code: str


#: Personal fields and how their values are masked in the log.
_MASKS = {"phone": mask_phone, "id_number": mask_id_number}


def _masked(field: str, value: Any) -> Any:
    for suffix, mask in _MASKS.items():
        if field == suffix or field.endswith(f"_{suffix}"):
            return mask(str(value)) if value is not None else None
    return _plain(value)


def _plain(value: Any) -> Any:
    """A JSON value of ``value`` (dates as ISO strings, decimals as strings)."""
    if isinstance(value, BaseModel):
        return masked_changes(value)
    if isinstance(value, dict):
        return {str(k): _masked(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


def masked_changes(payload: BaseModel) -> dict[str, Any]:
    """The fields ``payload`` set, as JSON values, with phones and ID numbers masked."""
    return {
        name: _masked(name, getattr(payload, name)) for name in payload.model_fields_set
    }


def audit_change(
    session: AsyncSession,
    *,
    request: Request,
    principal: Principal,
    action: str,
    resource_type: str,
    resource: _Audited,
    payload: BaseModel | None = None,
    status: int = 200,
) -> None:
    """Add the audit event of a change (``create`` or ``command:<type>``) to ``session``."""
    record(
        session,
        AuditEvent,
        principal=principal,
        request=request,
        action=action,
        resource_type=resource_type,
        resource_id=resource.id,
        region_code=resource.region_code,
        changes=masked_changes(payload) if payload is not None else {},
        status=status,
    )


def audit_personal_data_read(
    session: AsyncSession,
    *,
    request: Request,
    principal: Principal,
    resource_type: str,
    resource: _Audited,
    fields: list[str],
) -> None:
    """Add the event of a response that shows ``fields`` of ``resource`` in full (the
    field names, never the values) to ``session``: for a change's own response."""
    record(
        session,
        AuditEvent,
        principal=principal,
        request=request,
        action="read_personal_data",
        resource_type=resource_type,
        resource_id=resource.id,
        region_code=resource.region_code,
        changes={"fields": sorted(fields)},
        status=200,
    )


async def audit_personal_data_reads(
    *,
    request: Request,
    principal: Principal,
    resource_type: str,
    resources: Sequence[_Audited],
    fields: list[str],
) -> None:
    """Record, in a transaction of its own and before the answer goes out, one event per
    record a read shows personal ``fields`` of in full (reads use read-only sessions)."""
    if not resources:
        return
    async with request.app.state.sessionmaker() as session:
        for resource in resources:
            audit_personal_data_read(
                session,
                request=request,
                principal=principal,
                resource_type=resource_type,
                resource=resource,
                fields=fields,
            )
        await session.commit()
