"""Optimistic concurrency (api-conventions.md rule 9; RFC 9110 §8.8.3 and §13.1.1).

Every mutable record carries a row ``version`` (``shared.db.RecordMixin``); its entity
tag is the strong ETag ``"<version>"``. Reads of one record answer it in the ``ETag``
header. Lifecycle commands (``POST …/{id}/events``) and updates **require**
``If-Match`` with the current ETag:

- no ``If-Match`` header: 428 Precondition Required (RFC 6585 §3),
  ``urn:fazhi:problem:precondition-required``;
- an ETag that is not the current one (the record changed since the client read it):
  412 Precondition Failed, ``urn:fazhi:problem:precondition-failed``. The answer carries
  the current ``ETag``, so the client can read the record again and decide.

Two requests with the same ETag cannot both succeed: the check runs inside the write
transaction, and the UPDATE itself is guarded by the version (SQLAlchemy's
``version_id_col``); a row changed in between fails the UPDATE, which also answers 412
(``shared.db.install_db_problem_handlers``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from fastapi import Depends, Header, Request, Response

from shared.errors import BadRequest, FieldProblem, ProblemError


class Versioned(Protocol):
    version: int


class PreconditionRequired(ProblemError):
    """The command needs ``If-Match`` with the record's current ETag."""

    status = 428
    type_slug = "precondition-required"
    title = "Precondition required"


class PreconditionFailed(ProblemError):
    """The ``If-Match`` ETag is not the record's current one."""

    status = 412
    type_slug = "precondition-failed"
    title = "Precondition failed"


def etag(version: int) -> str:
    """The strong entity tag of a record at ``version``: ``"<version>"``."""
    return f'"{version}"'


@dataclass(frozen=True)
class IfMatch:
    """The entity tags a client sent in ``If-Match`` (``any_`` for ``*``)."""

    tags: frozenset[str]
    any_: bool = False

    def check(self, record: Versioned) -> None:
        """Raises PreconditionFailed (412) unless ``record``'s current ETag is listed.

        Weak tags (``W/"…"``) never match: If-Match uses strong comparison (RFC 9110
        §13.1.1).

        A record that passes is marked changed (its ``updated_at``), so the write it
        guards always updates it and moves its version, also a command that changes only
        related rows (a consultation added, a hearing moved): a second request made with
        the same ETag then fails (412) instead of silently overwriting the first."""
        if self.any_ or etag(record.version) in self.tags:
            if hasattr(record, "updated_at"):
                record.updated_at = dt.datetime.now(dt.UTC)
            return
        error = PreconditionFailed(
            "The record has changed since the ETag you sent (If-Match); read it again "
            "and decide whether the command still applies."
        )
        error.headers["ETag"] = etag(record.version)
        raise error


def parse_if_match(value: str) -> IfMatch:
    """``*`` or a comma-separated list of entity tags. Raises BadRequest (400) when a
    member is not an entity tag."""
    value = value.strip()
    if value == "*":
        return IfMatch(frozenset(), any_=True)
    tags = [t.strip() for t in value.split(",") if t.strip()]
    if not tags or not all(_is_entity_tag(t) for t in tags):
        error = BadRequest(
            'If-Match must be "*" or entity tags such as "3" (with the quotes), as '
            "returned in the ETag header."
        )
        error.errors = [
            FieldProblem(
                field="If-Match",
                location="header",
                message="not an entity tag",
                code="invalid",
            )
        ]
        raise error
    return IfMatch(frozenset(tags))


def _is_entity_tag(tag: str) -> bool:
    opaque = tag[2:] if tag.startswith("W/") else tag
    return len(opaque) >= 2 and opaque[0] == '"' and opaque[-1] == '"'


async def _if_match(
    request: Request,
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description=(
                "Required. The record's current ETag (from its last read or command), "
                'e.g. `"3"`. Missing: 428; not current: 412.'
            ),
        ),
    ] = None,
) -> IfMatch:
    if if_match is None:
        raise PreconditionRequired(
            "Send If-Match with the record's current ETag (from the ETag header of its "
            "last read), so that a change made meanwhile is not overwritten."
        )
    # Several If-Match lines are one list (RFC 9110 §5.3).
    return parse_if_match(", ".join(request.headers.getlist("if-match")))


IfMatchDep = Annotated[IfMatch, Depends(_if_match)]
"""The parsed ``If-Match`` header of a command; 428 when missing, 400 when malformed."""


# --- Conditional reads of computed figures (RFC 9110 §13.1.2) -------------------------------


def none_match(request: Request, tag: str) -> bool:
    """Whether the request's ``If-None-Match`` names ``tag`` (weak comparison, or ``*``):
    the client holds this representation already and gets 304 Not Modified."""
    # Several field lines are one list (RFC 9110 §5.3).
    header = ", ".join(request.headers.getlist("if-none-match"))
    if not header:
        return False
    wanted = tag.removeprefix("W/")
    for item in header.split(","):
        item = item.strip()
        if item == "*" or item.removeprefix("W/") == wanted:
            return True
    return False


def statistics_etag(service_version: str, *parts: object) -> str:
    """The weak entity tag of a statistics answer: a hash of the service's code version
    (``service_version``: its package version and figure definitions) and of what the
    figures were computed from (``parts``: a change stamp, or the counters read)."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(service_version.encode())
    for part in parts:
        digest.update(b"\x00" + repr(part).encode())
    return f'W/"{digest.hexdigest()}"'


def definitions_version(package: str, definitions: Mapping[str, object]) -> str:
    """The code version a service's statistics depend on: ``package``'s installed version
    and its figure definitions (so that a changed definition changes every ETag)."""
    try:
        version = importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        version = "0"
    return version + ":" + repr(sorted((k, repr(v)) for k, v in definitions.items()))


NOT_MODIFIED_RESPONSE: dict[int | str, dict[str, Any]] = {
    304: {
        "description": "Not Modified: the figures have not changed since the `ETag` sent in"
        " `If-None-Match` (RFC 9110 §15.4.5); no body."
    }
}


def not_modified(tag: str) -> Response:
    """304 with the current ``ETag``."""
    return Response(status_code=304, headers={"ETag": tag})
