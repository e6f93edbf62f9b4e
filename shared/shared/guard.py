"""Checks every request to a service's API passes before its handler runs.

- A query parameter the operation does not declare answers 400, naming it (a misspelt
  filter must not silently return everything); so does a repeated parameter the
  operation takes once.
- A body must be JSON (``application/json``): anything else answers 415.
- A JSON string holding a NUL character answers 422 naming the field (PostgreSQL cannot
  store it, and no legitimate text has one).

:class:`BodyLimitMiddleware` answers 413 for a body over the service's limit.
"""

from __future__ import annotations

import json
import re
from typing import Any, get_args, get_origin

from fastapi import Request
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.errors import (
    BadRequest,
    FieldProblem,
    InvalidInput,
    ProblemError,
    problem_response,
)

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class UnsupportedMediaType(ProblemError):
    status = 415
    type_slug = "unsupported-media-type"
    title = "Unsupported media type"


def _shown_name(name: str) -> str:
    """A parameter name as the answer may repeat it: only a plausible lower snake_case
    name (at most 40 characters, no run of five digits); anything else may carry personal
    data typed into the wrong place and is not echoed."""
    if re.fullmatch(r"[a-z][a-z0-9_]{0,39}", name) and not re.search(r"\d{5}", name):
        return name
    return "(a name that is not a parameter of this API)"


class UnknownQueryParameter(BadRequest):
    type_slug = "unknown-query-parameter"
    title = "Unknown query parameter"

    def __init__(
        self, name: str, *, declared: list[str], repeated: bool = False
    ) -> None:
        name = _shown_name(name)
        if repeated:
            detail = f"Query parameter {name!r} may be given once"
        else:
            detail = f"Unknown query parameter {name!r}; this operation takes: {', '.join(declared) or 'none'}"
        super().__init__(detail)
        self.errors = [
            FieldProblem(
                field=name,
                location="query",
                message="Given more than once" if repeated else "Unknown parameter",
                code="repeated" if repeated else "unknown",
            )
        ]


def _repeatable(annotation: Any) -> bool:
    """Whether a parameter's type is a list (the only kind that may repeat)."""
    if get_origin(annotation) in (list, tuple, set, frozenset):
        return True
    return any(
        _repeatable(arg) for arg in get_args(annotation) if arg is not type(None)
    )


_CACHE_ATTRIBUTE = "_fazhi_query_parameters"


def _query_parameters(route: APIRoute) -> dict[str, bool]:
    """Declared query parameters of a route, its dependencies and query models → repeatable
    (computed once per route: routes live as long as the app)."""
    cached: dict[str, bool] | None = getattr(route, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    out: dict[str, bool] = {}
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        pending.extend(dependant.dependencies)
        for field in dependant.query_params:
            annotation = field.field_info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                for name, info in annotation.model_fields.items():
                    out[info.alias or name] = _repeatable(info.annotation)
            else:
                out[field.alias] = _repeatable(annotation)
    setattr(route, _CACHE_ATTRIBUTE, out)
    return out


def _nul_path(value: Any, path: str = "") -> str | None:
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return f"{path}.{key[:40]!r}".lstrip(".")
        found = _nul_path(item, f"{path}.{key}".lstrip("."))
        if found is not None:
            return found
    return None


def check_query(route: APIRoute, request: Request) -> None:
    """Raise UnknownQueryParameter (400) for a query parameter ``route`` does not declare,
    or repeats when it takes it once."""
    if not request.scope.get("query_string"):
        return
    declared = _query_parameters(route)
    for name in request.query_params:
        if name not in declared:
            raise UnknownQueryParameter(name, declared=sorted(declared))
        if not declared[name] and len(request.query_params.getlist(name)) > 1:
            raise UnknownQueryParameter(name, declared=sorted(declared), repeated=True)


async def request_guard(request: Request) -> None:
    """Router-level dependency: raises UnknownQueryParameter (400), UnsupportedMediaType
    (415) or InvalidInput (422, a NUL character) as described in the module docstring.
    (The data services run the same checks through ``shared.routing.ServiceRoute``.)"""
    route = request.scope.get("route")
    if isinstance(route, APIRoute):
        check_query(route, request)
    await body_guard(request)


async def body_guard(request: Request) -> None:
    """Dependency of an operation that takes a body: raises UnsupportedMediaType (415)
    when the body is not JSON, InvalidInput (422) when a string in it holds NUL."""
    if request.method not in BODY_METHODS:
        return
    body = await request.body()
    if not body:
        return
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise UnsupportedMediaType(
            "Send the body as JSON with Content-Type: application/json"
        )
    if b"\\u0000" in body.lower() or b"\x00" in body:
        try:
            found = _nul_path(json.loads(body))
        except ValueError:
            return  # not JSON: the body validation answers with its own 422
        if found is not None:
            raise InvalidInput(
                "Text must not contain NUL characters",
                field=found,
                code="nul_character",
            )


class ContentTooLarge(ProblemError):
    status = 413
    type_slug = "content-too-large"
    title = "Content too large"


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with a 413 problem: at once when
    Content-Length says so, else as soon as the streamed body passes the limit."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        detail = f"The request body is larger than {self.max_bytes} bytes"
        for name, value in scope["headers"]:
            if (
                name == b"content-length"
                and value.isdigit()
                and int(value) > self.max_bytes
            ):
                await problem_response(
                    Request(scope),
                    status=413,
                    type_slug="content-too-large",
                    detail=detail,
                )(scope, receive, send)
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # An HTTPException, because FastAPI turns any other error raised
                    # while it reads the body into a 400 "error parsing the body".
                    raise StarletteHTTPException(status_code=413, detail=detail)
            return message

        await self.app(scope, limited_receive, send)
