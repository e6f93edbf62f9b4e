"""Recording changes and full reads of personal data in the audit log.

Every create and lifecycle command calls :func:`audit_change` before the endpoint's single
commit, so the event commits or rolls back with the change. ``changes`` holds the fields the
request set, with personal data masked: never a raw ID number, credit code or phone.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from fastapi import Request
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from reconsideration.audit.models import AuditEvent
from shared.audit import record
from shared.auth import Principal
from shared.personal_data import mask_id_number, mask_phone

#: Personal-data fields and how their values are masked wherever they are shown or logged.
MASKS = {
    "applicant_id_number": mask_id_number,
    "applicant_credit_code": mask_id_number,
    "applicant_phone": mask_phone,
}


def masked_changes(payload: BaseModel) -> dict[str, Any]:
    """The fields ``payload`` set (JSON values), personal data masked."""
    changes: dict[str, Any] = payload.model_dump(mode="json", exclude_unset=True)
    for field, mask in MASKS.items():
        if isinstance(changes.get(field), str):
            changes[field] = mask(changes[field])
    return changes


def audit_change(
    session: AsyncSession,
    *,
    principal: Principal,
    request: Request,
    action: str,
    resource_type: str,
    resource_id: uuid.UUID,
    region_code: str | None,
    payload: BaseModel,
    status: int,
) -> None:
    """Add the audit event of one change (``create`` or ``command:<type>``) to ``session``."""
    record(
        session,
        AuditEvent,
        principal=principal,
        request=request,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        region_code=region_code,
        changes=masked_changes(payload),
        status=status,
    )


def audit_personal_data_read(
    session: AsyncSession,
    *,
    principal: Principal,
    request: Request,
    resource_type: str,
    resource_id: uuid.UUID,
    region_code: str | None,
    fields: Iterable[str],
    status: int = 200,
) -> None:
    """Add a ``read_personal_data`` event naming the fields shown in full (no values)."""
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
        status=status,
    )


async def commit_personal_data_reads(
    request: Request,
    principal: Principal,
    reads: Iterable[tuple[str, uuid.UUID, str | None, list[str]]],
) -> None:
    """Commit the ``read_personal_data`` events of a GET, ``(resource_type, id, region,
    fields)`` each, in a write session of their own (a GET's session only reads)."""
    reads = [r for r in reads if r[3]]
    if not reads:
        return
    async with request.app.state.sessionmaker() as session:
        for resource_type, resource_id, region_code, fields in reads:
            audit_personal_data_read(
                session,
                principal=principal,
                request=request,
                resource_type=resource_type,
                resource_id=resource_id,
                region_code=region_code,
                fields=fields,
            )
        await session.commit()
