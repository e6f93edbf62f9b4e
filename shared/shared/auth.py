"""Who is calling, and what they may do.

The gateway issues short-lived JWTs signed with an Ed25519 key (``EdDSA``, a ``kid`` in
the header) and publishes the public keys at ``/.well-known/jwks.json``. Every service
verifies each token itself (signature by ``kid`` from the JWKS, expiry, issuer,
audience), so the gateway is a convenience, not the only guard (architecture.md §4).

A token carries:

- ``sub``: the user's or client's id; ``name``; ``typ``: ``user`` or ``client``;
- ``scope``: space-separated permissions, ``<service>:read``, ``<service>:write``,
  ``<service>:pii`` (see full personal data), ``audit:read``, ``reconsideration:calendar``
  (load a year of the working-day calendar); the gateway derives them
  from the user's roles (:data:`ROLE_SCOPES`) or takes them from the client's grant;
- ``org``: the organisation it acts for: ``region_code`` (county), optionally
  ``township_code``, ``committee_id`` (mediation) or ``agency_id`` (enforcement).

Services answer 401 (problem+json, ``WWW-Authenticate: Bearer``) without a valid token,
403 when the scope lacks the permission, and 404 for a record outside ``org``.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

import httpx
import jwt
from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, ValidationError

from shared.errors import ProblemError

ALGORITHMS = ["EdDSA"]


class Role(StrEnum):
    """Staff roles (and the integration client's), mapped to scopes by :data:`ROLE_SCOPES`."""

    county_admin = "county_admin"
    reconsideration_officer = "reconsideration_officer"
    mediation_officer = "mediation_officer"
    mediator = "mediator"
    supervision_officer = "supervision_officer"
    leader = "leader"
    auditor = "auditor"
    integration_client = "integration_client"


_SERVICES = ("reconsideration", "mediation", "enforcement")

#: Which permissions each role grants (an integration client gets the scopes of its grant).
ROLE_SCOPES: Mapping[Role, frozenset[str]] = {
    # reconsideration:calendar: loading a year of the working-day calendar, which moves
    # every deadline of the county's cases (services/reconsideration deadlines).
    Role.county_admin: frozenset(
        {f"{s}:{p}" for s in _SERVICES for p in ("read", "write", "pii")}
        | {"reports:read", "reconsideration:calendar"}
    ),
    Role.reconsideration_officer: frozenset(
        {
            "reconsideration:read",
            "reconsideration:write",
            "reconsideration:pii",
            "reports:read",
        }
    ),
    Role.mediation_officer: frozenset(
        {"mediation:read", "mediation:write", "mediation:pii", "reports:read"}
    ),
    Role.mediator: frozenset({"mediation:read", "mediation:write"}),
    Role.supervision_officer: frozenset(
        {"enforcement:read", "enforcement:write", "enforcement:pii", "reports:read"}
    ),
    Role.leader: frozenset({f"{s}:read" for s in _SERVICES} | {"reports:read"}),
    Role.auditor: frozenset({"audit:read"}),
    Role.integration_client: frozenset(),
}


def scopes_for_roles(roles: list[Role] | set[Role] | frozenset[Role]) -> frozenset[str]:
    out: set[str] = set()
    for role in roles:
        out |= ROLE_SCOPES[role]
    return frozenset(out)


class OrgScope(BaseModel):
    """The organisation a caller acts for; ``None`` fields do not restrict."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    region_code: str | None = None
    township_code: str | None = None
    committee_id: uuid.UUID | None = None
    agency_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Principal:
    subject: str
    name: str = ""
    kind: str = "user"
    scopes: frozenset[str] = field(default_factory=frozenset)
    org: OrgScope = field(default_factory=OrgScope)
    client_address: str | None = None

    def has(self, scope: str) -> bool:
        return scope in self.scopes


class Unauthorized(ProblemError):
    status = 401
    type_slug = "unauthorized"
    title = "Authentication required"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}


class Forbidden(ProblemError):
    status = 403
    type_slug = "forbidden"
    title = "Not permitted"


class TokenVerifier:
    """Verifies gateway-issued tokens against the gateway's JWKS.

    The key set is fetched lazily and cached for ``cache_ttl_s`` seconds; an unknown
    ``kid`` (a rotated key) triggers one refetch, at most every ``refetch_min_s`` seconds.
    ``jwks`` (a JWKS document) replaces the URL, for tests and air-gapped setups.
    """

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        jwks_url: str | None = None,
        jwks: Mapping[str, Any] | None = None,
        leeway_s: int = 30,
        cache_ttl_s: float = 300.0,
        refetch_min_s: float = 10.0,
    ) -> None:
        if jwks_url is None and jwks is None:
            raise ValueError("a TokenVerifier needs jwks_url or jwks")
        self.issuer = issuer
        self.audience = audience
        self.jwks_url = jwks_url
        self.leeway_s = leeway_s
        self.cache_ttl_s = cache_ttl_s
        self.refetch_min_s = refetch_min_s
        self._static = jwks is not None
        self._keys: dict[str, jwt.PyJWK] = self._parse(jwks) if jwks is not None else {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()
        #: Tokens verified already: token -> (principal, exp, kid), least recently used
        #: first. A caller sends the same token for up to 15 minutes; checking its
        #: signature once instead of on every request saves most of the cost of auth.
        self._verified: OrderedDict[str, tuple[Principal, float, str]] = OrderedDict()

    @staticmethod
    def _parse(jwks: Mapping[str, Any]) -> dict[str, jwt.PyJWK]:
        keys = {}
        for jwk in jwks.get("keys", []):
            if jwk.get("kid") and jwk.get("kty") == "OKP":
                keys[jwk["kid"]] = jwt.PyJWK.from_dict(dict(jwk), algorithm="EdDSA")
        return keys

    async def _fetch(self) -> None:
        assert self.jwks_url is not None
        async with httpx.AsyncClient(timeout=5.0, trust_env=False) as client:
            response = await client.get(self.jwks_url)
            response.raise_for_status()
            self._keys = self._parse(response.json())
        self._fetched_at = time.monotonic()

    async def _key(self, kid: str) -> jwt.PyJWK:
        if self._static:
            if kid in self._keys:
                return self._keys[kid]
            raise Unauthorized("The token was signed with an unknown key")
        now = time.monotonic()
        stale = now - self._fetched_at > self.cache_ttl_s
        if kid not in self._keys or stale:
            async with self._lock:
                now = time.monotonic()
                if (
                    kid not in self._keys
                    and now - self._fetched_at > self.refetch_min_s
                ) or (now - self._fetched_at > self.cache_ttl_s):
                    try:
                        await self._fetch()
                    except (httpx.HTTPError, ValueError) as exc:
                        if kid not in self._keys:
                            raise Unauthorized(
                                "The signing keys could not be fetched"
                            ) from exc
        if kid not in self._keys:
            raise Unauthorized("The token was signed with an unknown key")
        return self._keys[kid]

    #: How many verified tokens a process remembers.
    VERIFIED_CACHE_SIZE = 4096

    async def verify(self, token: str) -> Principal:
        """The token's principal. Raises Unauthorized for any invalid token.

        A token verified before is answered from memory while it has not expired (with
        the same leeway), its signing key is still among the known keys and those keys
        are not due for a refetch; anything else is verified in full."""
        remembered = self._verified.get(token)
        if remembered is not None:
            principal, expires_at, kid = remembered
            keys_fresh = (
                self._static or time.monotonic() - self._fetched_at <= self.cache_ttl_s
            )
            if (
                keys_fresh
                and kid in self._keys
                and time.time() <= expires_at + self.leeway_s
            ):
                self._verified.move_to_end(token)
                return principal
            del self._verified[token]
        principal, expires_at, kid = await self._verify(token)
        self._verified[token] = (principal, expires_at, kid)
        if len(self._verified) > self.VERIFIED_CACHE_SIZE:
            self._verified.popitem(last=False)
        return principal

    async def _verify(self, token: str) -> tuple[Principal, float, str]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthorized("The bearer token is malformed") from exc
        if header.get("alg") not in ALGORITHMS or not isinstance(
            header.get("kid"), str
        ):
            raise Unauthorized("The token's algorithm or key id is not accepted")
        key = await self._key(header["kid"])
        try:
            claims = jwt.decode(
                token,
                key=key.key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway_s,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("The token has expired") from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized("The token is invalid") from exc
        try:
            org = OrgScope.model_validate(claims.get("org") or {})
        except ValidationError as exc:
            raise Unauthorized("The token's organisation is malformed") from exc
        principal = Principal(
            subject=str(claims["sub"]),
            name=str(claims.get("name", "")),
            kind=str(claims.get("typ", "user")),
            scopes=frozenset(str(claims.get("scope", "")).split()),
            org=org,
        )
        return principal, float(claims["exp"]), str(header["kid"])


def token_verifier_from(settings: Any) -> TokenVerifier:
    """A verifier from a service's settings (``token_issuer``, ``token_audience``,
    ``jwks_url``, ``jwks``)."""
    return TokenVerifier(
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        jwks_url=None if settings.jwks else settings.jwks_url,
        jwks=json.loads(settings.jwks) if settings.jwks else None,
    )


def client_address(request: Request) -> str | None:
    """The caller's address: the first X-Forwarded-For hop the gateway set, else the peer."""
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.client.host if request.client else None


BEARER_SCHEME = "bearer"
BEARER_DESCRIPTION = "An access token of the gateway (`POST /api/v1/auth/token`)."

#: The bearer scheme as the OpenAPI document declares it (``securitySchemes``);
#: :func:`authenticate` reads and verifies the header itself.
_BEARER = HTTPBearer(
    auto_error=False,
    scheme_name=BEARER_SCHEME,
    bearerFormat="JWT",
    description=BEARER_DESCRIPTION,
)


async def authenticate(request: Request) -> Principal:
    """The caller of ``request``, from its verified bearer token, with the client's
    address; kept in ``request.state.principal`` for the audit. Raises Unauthorized (401)
    without a valid token."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("A bearer token is required (Authorization: Bearer <token>)")
    verifier: TokenVerifier = request.app.state.token_verifier
    principal = await verifier.verify(token.strip())
    principal = Principal(
        subject=principal.subject,
        name=principal.name,
        kind=principal.kind,
        scopes=principal.scopes,
        org=principal.org,
        client_address=client_address(request),
    )
    request.state.principal = principal
    return principal


async def _principal(request: Request) -> Principal:
    """The caller: the principal the data service's route already checked
    (``shared.routing.ServiceRoute``), else the token verified now."""
    principal = request.scope.get("state", {}).get("principal")
    if isinstance(principal, Principal):
        return principal
    return await authenticate(request)


PrincipalDep = Annotated[Principal, Depends(_principal)]

#: Declares the bearer scheme of an operation in the OpenAPI document
#: (``components.securitySchemes.bearer``); the data services' routes declare it without
#: it (``shared.service``), the gateway's through :func:`require`.
BearerDeclared = Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def region_covers(org_region_code: str | None, asked: str) -> bool:
    """Whether an organisation of ``org_region_code`` may read figures of ``asked``: its
    own region, and anything inside it for a province (``PP0000``: its counties) or the
    country (``000000``: everything); None does not restrict."""
    if org_region_code is None or org_region_code == asked:
        return True
    if org_region_code == "000000":
        return True
    return org_region_code.endswith("0000") and asked[:2] == org_region_code[:2]


def authorize(
    service: str, principal: Principal, request: Request, tags: Sequence[Any]
) -> None:
    """Whether ``principal`` may run the data service's operation (tagged ``tags``):
    ``<service>:read`` for safe methods, ``<service>:write`` otherwise. The statistics
    (tagged ``statistics``) also accept ``reports:read``, and only for an ``org`` without
    township, committee or agency whose region covers the asked one
    (:func:`region_covers`; a township's counts are not a county's). ``GET /api/v1/me``
    (tagged ``caller``) needs a valid token only. The audit log (tagged ``audit``) needs
    ``audit:read``. Raises Forbidden (403)."""
    write = request.method not in SAFE_METHODS
    needed = f"{service}:{'write' if write else 'read'}"
    if "audit" in tags:
        if not principal.has("audit:read"):
            raise Forbidden("The audit log needs the 'audit:read' permission")
        return
    if "statistics" in tags and not write:
        if not (principal.has(needed) or principal.has("reports:read")):
            raise Forbidden(
                f"The statistics need the '{needed}' or 'reports:read' permission"
            )
        org = principal.org
        if org.township_code or org.committee_id or org.agency_id:
            raise Forbidden("The statistics are for county-level callers")
        asked = request.query_params.get("region_code")
        if asked is not None and not region_covers(org.region_code, asked):
            raise Forbidden(
                f"The statistics of {asked} are not yours to read (your region is"
                f" {org.region_code})"
            )
        return
    if "caller" in tags:
        # GET /api/v1/me: any valid token may see what it says.
        return
    if not principal.has(needed):
        raise Forbidden(f"This operation needs the '{needed}' permission")


def require(scope: str) -> Callable[..., Any]:
    """A dependency that yields the principal when its token grants ``scope``; else 403."""

    async def dependency(
        principal: PrincipalDep, _declared: BearerDeclared
    ) -> Principal:
        if not principal.has(scope):
            raise Forbidden(f"This operation needs the '{scope}' permission")
        return principal

    return dependency
