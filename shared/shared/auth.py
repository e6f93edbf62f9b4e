"""Who is calling.

Until token verification lands (issue 3) every request acts as the local
principal below, which carries no scope restriction. Handlers already take the
principal through :data:`PrincipalDep`, so the switch to verified tokens changes
this module and not the endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str] = field(default_factory=frozenset)
    client_address: str | None = None


def _principal(request: Request) -> Principal:
    client = request.client.host if request.client else None
    return Principal(subject="local", client_address=client)


PrincipalDep = Annotated[Principal, Depends(_principal)]
