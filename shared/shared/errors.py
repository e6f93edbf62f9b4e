"""RFC 9457 problem details for every error a Fazhi service answers.

Domain code raises subclasses of :class:`ProblemError`; the handlers installed
by :func:`install_problem_handlers` turn them, FastAPI's validation errors,
Starlette's HTTP errors (unknown routes, wrong methods) and any unexpected
exception into ``application/problem+json`` bodies. Bodies never carry stack
traces nor echo the client's input (it may hold personal data).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.logging import current_request_id

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:fazhi:problem:"
REQUEST_URN_PREFIX = "urn:fazhi:request:"

logger = structlog.get_logger(__name__)


class FieldProblem(BaseModel):
    """One invalid input field."""

    field: str = Field(description="Dotted path of the field, e.g. `parties.0.name`.")
    location: str = Field(
        description="Where the field was sent: body, query, path or header."
    )
    message: str
    code: str = Field(
        description="Machine-readable reason, e.g. `missing`, `decimal_parsing`."
    )


class Problem(BaseModel):
    """An RFC 9457 problem details object."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["urn:fazhi:problem:not-found"])
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldProblem] | None = None


class ProblemError(Exception):
    """Base of every domain error.

    Subclasses fix ``status``, ``type_slug`` and ``title``; an instance carries
    the occurrence-specific ``detail`` and optional extension members.
    """

    status: ClassVar[int] = 500
    type_slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal error"

    def __init__(self, detail: str | None = None, **extensions: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.extensions = extensions
        self.headers: dict[str, str] = {}
        self.errors: list[FieldProblem] | None = None

    @classmethod
    def problem_type(cls) -> str:
        return PROBLEM_TYPE_PREFIX + cls.type_slug


class NotFound(ProblemError):
    status = 404
    type_slug = "not-found"
    title = "Not found"


class Conflict(ProblemError):
    status = 409
    type_slug = "conflict"
    title = "Conflict"


class TransitionNotAllowed(ProblemError):
    """A lifecycle command that the record's current state does not allow."""

    status = 409
    type_slug = "transition-not-allowed"
    title = "Transition not allowed"


class InvalidInput(ProblemError):
    """Input that is well-formed but breaks a business rule about one field."""

    status = 422
    type_slug = "validation-error"
    title = "Invalid input"

    def __init__(
        self, detail: str, *, field: str, location: str = "body", code: str = "invalid"
    ) -> None:
        super().__init__(detail)
        self.errors = [
            FieldProblem(field=field, location=location, message=detail, code=code)
        ]


class BadRequest(ProblemError):
    status = 400
    type_slug = "bad-request"
    title = "Bad request"


_STATUS_SLUGS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Unauthorized"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    411: ("length-required", "Length required"),
    412: ("precondition-failed", "Precondition failed"),
    413: ("content-too-large", "Content too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation-error", "Invalid input"),
    428: ("precondition-required", "Precondition required"),
    429: ("too-many-requests", "Too many requests"),
    500: ("internal-error", "Internal error"),
    502: ("bad-gateway", "Bad gateway"),
    503: ("service-unavailable", "Service unavailable"),
    504: ("gateway-timeout", "Gateway timeout"),
}


def problem_response(
    request: Request | None,
    *,
    status: int,
    type_slug: str | None = None,
    title: str | None = None,
    detail: str | None = None,
    errors: Sequence[FieldProblem] | None = None,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    default_slug, default_title = _STATUS_SLUGS.get(status, ("error", "Error"))
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + (type_slug or default_slug),
        "title": title or default_title,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    request_id = current_request_id()
    if request_id:
        # The occurrence, not the path: a path may carry input (an ID number typed into
        # a URL) that an answer must not repeat, and behind the gateway it is not the
        # path the caller used. The request id finds the occurrence in the logs.
        body["instance"] = REQUEST_URN_PREFIX + request_id
        body["request_id"] = request_id
    if errors:
        body["errors"] = [e.model_dump() for e in errors]
    body.update(extensions)
    return JSONResponse(
        body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


def _field_path(loc: Sequence[str | int], body: Any = None) -> tuple[str, str]:
    """Split FastAPI's error location into (location, dotted field path). In the body,
    the path is the one the caller wrote: a union's branch label that pydantic puts in
    the location (``fail`` in ``fail.occurred_on`` for a command ``{"type": "fail",
    …}``) names no key of the input and is left out."""
    if not loc:
        return "body", ""
    location, *rest = loc
    if location not in ("body", "query", "path", "header", "cookie"):
        return "body", ".".join(str(p) for p in loc)
    if location == "body":
        rest = _input_path(rest, body)
    return str(location), ".".join(str(p) for p in rest)


def _input_path(path: Sequence[str | int], data: Any) -> list[str | int]:
    """``path`` without the segments that are no key of ``data`` on the way down (union
    branch labels); the last segment is kept (a missing field is named by it)."""
    kept: list[str | int] = []
    for i, segment in enumerate(path):
        last = i == len(path) - 1
        if isinstance(data, Mapping):
            if segment in data:
                data = data[segment]
            elif isinstance(segment, str) and not last:
                continue
            else:
                data = None
        elif isinstance(data, list) and isinstance(segment, int):
            data = data[segment] if -len(data) <= segment < len(data) else None
        else:
            data = None
        kept.append(segment)
    return kept


#: Longest field path and message a problem repeats: the path may hold client-chosen keys.
MAX_FIELD_CHARS = 100
MAX_MESSAGE_CHARS = 300
MAX_FIELD_PROBLEMS = 50


def _message(err: Mapping[str, Any]) -> str:
    """Pydantic's message, minus any part that repeats the client's input."""
    kind = err.get("type")
    ctx = err.get("ctx") or {}
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        expected = ctx.get("expected_tags")
        return (
            f"Unknown value; expected one of: {expected}"
            if expected
            else "Unknown or missing value"
        )
    if kind == "json_invalid":
        return "The body is not valid JSON"
    if kind == "extra_forbidden":
        return "Unknown field"
    return str(err.get("msg", "invalid"))[:MAX_MESSAGE_CHARS]


def validation_problems(exc: RequestValidationError) -> list[FieldProblem]:
    problems = []
    for err in exc.errors():
        location, field = _field_path(err.get("loc", ()), exc.body)
        kind = str(err.get("type", "invalid"))
        if kind in ("union_tag_invalid", "union_tag_not_found"):
            # The discriminator itself is the field at fault (e.g. a command's `type`).
            tag = str(err.get("ctx", {}).get("discriminator", "")).strip("'\"")
            field = f"{field}.{tag}" if field else tag
        if kind == "json_invalid":
            field = ""  # pydantic puts a character offset here
        problems.append(
            FieldProblem(
                field=(field or location)[:MAX_FIELD_CHARS],
                location=location,
                message=_message(err),
                code=kind,
            )
        )
    return problems


async def _problem_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_error_response(exc)


def problem_error_response(exc: ProblemError) -> JSONResponse:
    """The problem+json answer of ``exc``, as the app's handler gives it (for code that
    answers before FastAPI's router, such as the gateway's relay)."""
    errors = getattr(exc, "errors", None)
    return problem_response(
        None,
        status=exc.status,
        type_slug=exc.type_slug,
        title=exc.title,
        detail=exc.detail,
        errors=errors,
        headers=exc.headers or None,
        **exc.extensions,
    )


async def _validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = validation_problems(exc)[:MAX_FIELD_PROBLEMS]
    names = sorted({p.field for p in problems})
    fields = ", ".join(names[:10]) + (
        f" and {len(names) - 10} more" if len(names) > 10 else ""
    )
    return problem_response(
        request,
        status=422,
        detail=f"Invalid value for: {fields}",
        errors=problems,
    )


def _allowed_methods(request: Request) -> str | None:
    """The methods the OpenAPI document lists for the request's path (RFC 9110 §15.5.6: a
    405 lists them all in ``Allow``), or None when it has no such path."""
    methods: set[str] = set()
    for template, path_item in request.app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.url.path):
            methods |= {method.upper() for method in path_item}
    return ", ".join(sorted(methods)) or None


async def _http_exception_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    headers = exc.headers
    if exc.status_code == 404 and detail == "Not Found":
        detail = "No resource at this path"
    if exc.status_code == 405:
        # The router names only the methods of the first route at the path, while a
        # collection's GET and POST are two routes.
        allowed = _allowed_methods(request)
        if allowed is not None:
            headers = {**(headers or {}), "Allow": allowed}
    return problem_response(
        request, status=exc.status_code, detail=detail, headers=headers
    )


class UnhandledErrorMiddleware:
    """Turn any exception that escaped the handlers into a 500 problem, inside the
    request-id middleware so the body and the log line carry the request id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            logger.exception("unhandled_error", path=scope.get("path"))
            if started:
                raise
            response = problem_response(
                Request(scope),
                status=500,
                detail="An unexpected error occurred; quote the request id.",
            )
            await response(scope, receive, send)


def install_problem_handlers(app: FastAPI) -> None:
    """Problem+json for domain errors, validation errors, HTTP errors; the caller adds
    :class:`UnhandledErrorMiddleware` inside the request-id middleware."""
    app.add_exception_handler(ProblemError, _problem_error_handler)
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_exception_handler)


def problem_responses(
    *errors: type[ProblemError], validation: bool = True
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entry listing every problem an operation can answer."""
    out: dict[int | str, dict[str, Any]] = {}
    by_status: dict[int, list[type[ProblemError]]] = {}
    for err in errors:
        by_status.setdefault(err.status, []).append(err)
    if validation:
        by_status.setdefault(422, [])
    for status, errs in sorted(by_status.items()):
        described = (
            "; ".join(f"`{e.problem_type()}`: {e.title}" for e in errs)
            or "Invalid input"
        )
        out[status] = {
            "model": Problem,
            "description": described,
            "content": {
                PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
            },
        }
    return out
