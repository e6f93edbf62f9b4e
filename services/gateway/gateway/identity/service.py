"""Use cases of identity: register users and clients, authenticate them, limit failed
logins, and issue access and refresh tokens (docs/auth.md).

Service functions flush and never commit. The token endpoint commits once, also when a
grant fails: a failed login and a revoked token family must be stored with the error.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import math
import secrets
import uuid
from collections.abc import Sequence
from typing import Any, cast

import structlog
from pwdlib import PasswordHash
from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from gateway.config import Settings
from gateway.identity.exceptions import (
    ClientNotFound,
    InvalidClient,
    InvalidGrant,
    InvalidRequest,
    InvalidScope,
    LoginThrottled,
    RefreshTokenReused,
    UnsupportedGrantType,
    UsernameTaken,
    UserNotFound,
)
from gateway.identity.keys import KeySet
from gateway.identity.models import Client, LoginFailure, RefreshToken, User
from gateway.identity.schemas import (
    PERMISSIONS,
    ClientCreate,
    ClientCredentials,
    GrantType,
    OrgCreate,
    OrgRead,
    TokenRequest,
    TokenResponse,
    UserCreate,
    password_problem,
)
from shared.auth import Role, scopes_for_roles

logger = structlog.get_logger(__name__)

#: argon2id with pwdlib's recommended parameters.
PASSWORD_HASH = PasswordHash.recommended()

#: One answer for an unknown user, a wrong password and an inactive account: the answer
#: must not tell whether a username exists.
WRONG_CREDENTIALS = "The username or password is incorrect."
INVALID_REFRESH_TOKEN = "The refresh token is invalid, expired or already used."

_ROLE_VALUES = frozenset(Role)
_MAX_ADDRESS = 64
_MAX_ACCOUNT = 64
_MAX_CLIENT_ID = 64


# --- secrets -----------------------------------------------------------------------------


@functools.cache
def _dummy_hash() -> str:
    return PASSWORD_HASH.hash(secrets.token_urlsafe(16))


def _verify_sync(secret: str, stored: str | None) -> tuple[bool, str | None]:
    if stored is None:
        # Spend the time a real check would, so the answer's timing does not tell either.
        PASSWORD_HASH.verify(secret, _dummy_hash())
        return False, None
    return PASSWORD_HASH.verify_and_update(secret, stored)


async def verify_secret(secret: str, stored: str | None) -> tuple[bool, str | None]:
    """Whether ``secret`` matches the hash ``stored`` (None: check a dummy hash and fail),
    and a new hash when the stored one uses outdated parameters. Runs in a thread: argon2
    takes a tenth of a second of CPU."""
    return await asyncio.to_thread(_verify_sync, secret, stored)


async def hash_secret(secret: str) -> str:
    return await asyncio.to_thread(PASSWORD_HASH.hash, secret)


def generate_password() -> str:
    """A random password of 20 characters that passes the password policy."""
    while True:
        password = secrets.token_urlsafe(15)
        if password_problem(password) is None:
            return password


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _org_columns(org: OrgCreate) -> dict[str, Any]:
    return org.model_dump()


# --- users and clients -------------------------------------------------------------------


async def find_user(session: AsyncSession, username: str) -> User | None:
    user: User | None = await session.scalar(
        select(User)
        .where(User.username == username)
        .execution_options(populate_existing=True)
    )
    return user


async def get_user(session: AsyncSession, username: str) -> User:
    """Raises UserNotFound."""
    user = await find_user(session, username)
    if user is None:
        raise UserNotFound(f"No user {username!r}")
    return user


async def create_user(session: AsyncSession, *, payload: UserCreate) -> User:
    """Raises UsernameTaken."""
    if await find_user(session, payload.username) is not None:
        raise UsernameTaken(f"The username {payload.username!r} is taken")
    user = User(
        username=payload.username,
        display_name=payload.display_name,
        password_hash=await hash_secret(payload.password.get_secret_value()),
        roles=[str(r) for r in payload.roles],
        active=True,
        **_org_columns(payload.org),
    )
    session.add(user)
    await session.flush()
    return user


async def list_users(session: AsyncSession) -> Sequence[User]:
    return (await session.scalars(select(User).order_by(User.username))).all()


async def deactivate_user(
    session: AsyncSession, *, username: str, now: dt.datetime
) -> User:
    """The user can no longer log in, and every refresh token of theirs is revoked (an
    access token already issued lives out its few minutes). Raises UserNotFound."""
    user = await get_user(session, username)
    user.active = False
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.flush()
    return user


async def find_client(session: AsyncSession, client_id: str) -> Client | None:
    client: Client | None = await session.scalar(
        select(Client)
        .where(Client.client_id == client_id)
        .execution_options(populate_existing=True)
    )
    return client


async def create_client(
    session: AsyncSession, *, payload: ClientCreate
) -> tuple[Client, str]:
    """Register a client; returns it and its secret (stored only as a hash)."""
    secret = secrets.token_urlsafe(32)
    client = Client(
        client_id=f"fazhi-{secrets.token_hex(8)}",
        name=payload.name,
        secret_hash=await hash_secret(secret),
        scopes=payload.scopes,
        active=True,
        **_org_columns(payload.org),
    )
    session.add(client)
    await session.flush()
    return client, secret


async def list_clients(session: AsyncSession) -> Sequence[Client]:
    return (await session.scalars(select(Client).order_by(Client.client_id))).all()


async def deactivate_client(
    session: AsyncSession, *, client_id: str, now: dt.datetime
) -> Client:
    """The client can no longer authenticate; its refresh tokens are revoked.
    Raises ClientNotFound."""
    client = await find_client(session, client_id)
    if client is None:
        raise ClientNotFound(f"No client {client_id!r}")
    client.active = False
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.client_id == client.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.flush()
    return client


# --- failed logins -----------------------------------------------------------------------


def normalized_username(username: str) -> str:
    """The username as it is stored (usernames are lower-case)."""
    return username.strip().lower()


def _lock_until(
    times: Sequence[dt.datetime], *, limit: int, window_s: int, lockout_s: int
) -> dt.datetime | None:
    """When the lock that ``times`` (ascending) caused ends: ``limit`` failures within
    ``window_s`` lock for ``lockout_s`` after the last of them."""
    window = dt.timedelta(seconds=window_s)
    until = None
    for last in range(limit - 1, len(times)):
        if times[last] - times[last - limit + 1] <= window:
            until = times[last] + dt.timedelta(seconds=lockout_s)
    return until


async def _failure_times(
    session: AsyncSession,
    column: InstrumentedAttribute[Any],
    value: str,
    *,
    since: dt.datetime,
    limit: int,
) -> list[dt.datetime]:
    rows = await session.scalars(
        select(LoginFailure.failed_at)
        .where(column == value, LoginFailure.failed_at > since)
        .order_by(LoginFailure.failed_at.desc())
        .limit(limit)
    )
    return sorted(rows.all())


async def check_login_allowed(
    session: AsyncSession,
    *,
    account: str | None,
    address: str,
    settings: Settings,
    now: dt.datetime,
) -> None:
    """Raises LoginThrottled (with the seconds to wait) while the account or the address is
    locked by its recent failed logins (settings ``login_*``)."""
    since = now - dt.timedelta(
        seconds=settings.login_failure_window_s + settings.login_lockout_s
    )
    checks: list[tuple[InstrumentedAttribute[Any], str, int]] = [
        (
            LoginFailure.address,
            address[:_MAX_ADDRESS],
            settings.login_max_failures_per_address,
        )
    ]
    if account is not None:
        checks.append(
            (LoginFailure.username, account, settings.login_max_failures_per_account)
        )
    until: dt.datetime | None = None
    for column, value, limit in checks:
        # While locked nothing is recorded, so the last few failures decide.
        times = await _failure_times(
            session, column, value, since=since, limit=3 * limit
        )
        lock = _lock_until(
            times,
            limit=limit,
            window_s=settings.login_failure_window_s,
            lockout_s=settings.login_lockout_s,
        )
        if lock is not None and lock > now and (until is None or lock > until):
            until = lock
    if until is not None:
        raise LoginThrottled(
            retry_after_s=max(1, math.ceil((until - now).total_seconds()))
        )


async def record_login_failure(
    session: AsyncSession,
    *,
    account: str | None,
    address: str,
    settings: Settings,
    now: dt.datetime,
) -> None:
    """Store one failed login; failures too old to matter any more are deleted."""
    session.add(
        LoginFailure(username=account, address=address[:_MAX_ADDRESS], failed_at=now)
    )
    stale = now - dt.timedelta(
        seconds=settings.login_failure_window_s + settings.login_lockout_s
    )
    await session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= stale))
    await session.flush()


async def clear_login_failures(session: AsyncSession, *, account: str) -> None:
    await session.execute(delete(LoginFailure).where(LoginFailure.username == account))


# --- authentication ----------------------------------------------------------------------


async def authenticate_user(
    session: AsyncSession,
    *,
    username: str,
    password: str,
    address: str,
    settings: Settings,
    now: dt.datetime,
) -> User:
    """The active user with this username and password. A success clears the account's
    failed logins; a failure is recorded. Raises LoginThrottled, InvalidGrant (the same for
    an unknown user, a wrong password and an inactive account)."""
    normalized = normalized_username(username)
    # Failed logins are counted against the name as typed (known or not: a lock must not
    # tell whether an account exists), cut to the column's length.
    account = normalized[:_MAX_ACCOUNT]
    await check_login_allowed(
        session, account=account, address=address, settings=settings, now=now
    )
    user = (
        await find_user(session, normalized)
        if len(normalized) <= _MAX_ACCOUNT
        else None
    )
    ok, new_hash = await verify_secret(
        password, user.password_hash if user is not None else None
    )
    if user is None or not ok or not user.active:
        await record_login_failure(
            session, account=account, address=address, settings=settings, now=now
        )
        logger.info("login_failed", account=account, address=address)
        raise InvalidGrant(WRONG_CREDENTIALS)
    if new_hash is not None:
        user.password_hash = new_hash
    await clear_login_failures(session, account=account)
    logger.info("login_succeeded", user_id=str(user.id), address=address)
    return user


async def authenticate_client(
    session: AsyncSession,
    *,
    credentials: ClientCredentials | None,
    address: str,
    settings: Settings,
    now: dt.datetime,
) -> Client:
    """The active client with these credentials. A failure counts against the address only
    (client secrets are random, and a per-client lock would let anyone lock a client out).
    Raises InvalidClient, LoginThrottled."""
    if credentials is None:
        raise InvalidClient("Client authentication is required")
    await check_login_allowed(
        session, account=None, address=address, settings=settings, now=now
    )
    client = (
        await find_client(session, credentials.client_id)
        if len(credentials.client_id) <= _MAX_CLIENT_ID
        else None
    )
    ok, new_hash = await verify_secret(
        credentials.client_secret.get_secret_value(),
        client.secret_hash if client is not None else None,
    )
    if client is None or not ok or not client.active:
        await record_login_failure(
            session, account=None, address=address, settings=settings, now=now
        )
        logger.info("client_authentication_failed", address=address)
        raise InvalidClient()
    if new_hash is not None:
        client.secret_hash = new_hash
    return client


# --- tokens ------------------------------------------------------------------------------


Grantee = User | Client


def allowed_scopes(grantee: Grantee) -> frozenset[str]:
    """What a user's roles grant (``shared.auth.ROLE_SCOPES``), or a client's registration."""
    if isinstance(grantee, User):
        return scopes_for_roles({Role(r) for r in grantee.roles if r in _ROLE_VALUES})
    return frozenset(grantee.scopes) & PERMISSIONS


def _granted(
    allowed: frozenset[str], requested: frozenset[str] | None
) -> frozenset[str]:
    """``requested`` (RFC 6749 §3.3) when it is within ``allowed``; all of it when absent.
    Raises InvalidScope."""
    if requested is None:
        return allowed
    beyond = requested - allowed
    if beyond:
        raise InvalidScope(f"Not granted: {' '.join(sorted(beyond))[:200]}")
    return requested


def access_token_claims(
    grantee: Grantee, *, scopes: frozenset[str], settings: Settings, now: dt.datetime
) -> dict[str, Any]:
    """The claims of docs/auth.md: iss, aud, sub, typ, name, exp, iat, jti, scope, org, roles."""
    issued_at = int(now.timestamp())
    if isinstance(grantee, User):
        subject, kind, name, roles = (
            str(grantee.id),
            "user",
            grantee.display_name,
            sorted(grantee.roles),
        )
    else:
        subject, kind, name, roles = (
            grantee.client_id,
            "client",
            grantee.name,
            [str(Role.integration_client)],
        )
    return {
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "sub": subject,
        "typ": kind,
        "name": name,
        "iat": issued_at,
        "exp": issued_at + settings.access_token_ttl_s,
        "jti": str(uuid.uuid4()),
        "scope": " ".join(sorted(scopes)),
        "org": OrgRead.model_validate(grantee).model_dump(mode="json"),
        "roles": roles,
    }


async def issue_tokens(
    session: AsyncSession,
    grantee: Grantee,
    *,
    scopes: frozenset[str],
    keys: KeySet,
    settings: Settings,
    now: dt.datetime,
    family_id: uuid.UUID | None = None,
    session_expires_at: dt.datetime | None = None,
) -> TokenResponse:
    """An access token signed with the newest key and a new refresh token. Without
    ``family_id`` this starts a login session of ``refresh_token_ttl_s``; with it the
    refresh token continues that session and keeps its end ``session_expires_at``."""
    refresh_token = secrets.token_urlsafe(32)
    session.add(
        RefreshToken(
            token_hash=_sha256(refresh_token),
            family_id=family_id or uuid.uuid4(),
            user_id=grantee.id if isinstance(grantee, User) else None,
            client_id=grantee.id if isinstance(grantee, Client) else None,
            scope=" ".join(sorted(scopes)),
            created_at=now,
            expires_at=session_expires_at
            or now + dt.timedelta(seconds=settings.refresh_token_ttl_s),
        )
    )
    # Expired tokens can no longer be used nor reused: nothing to remember them for.
    await session.execute(delete(RefreshToken).where(RefreshToken.expires_at < now))
    await session.flush()
    claims = access_token_claims(grantee, scopes=scopes, settings=settings, now=now)
    return TokenResponse(
        access_token=keys.signing_key.sign(claims),
        expires_in=settings.access_token_ttl_s,
        refresh_token=refresh_token,
        scope=claims["scope"],
    )


async def _revoke_family(
    session: AsyncSession, *, family_id: uuid.UUID, now: dt.datetime
) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.flush()


async def _refresh(
    session: AsyncSession,
    *,
    request: TokenRequest,
    address: str,
    keys: KeySet,
    settings: Settings,
    now: dt.datetime,
) -> TokenResponse:
    if request.refresh_token is None:
        raise InvalidRequest("refresh_token is required")
    token: RefreshToken | None = await session.scalar(
        select(RefreshToken)
        .where(
            RefreshToken.token_hash == _sha256(request.refresh_token.get_secret_value())
        )
        .execution_options(populate_existing=True)
    )
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        raise InvalidGrant(INVALID_REFRESH_TOKEN)
    grantee: Grantee | None
    if token.client_id is not None:
        # A client's refresh token is only good with that client's credentials (RFC 6749 §6).
        grantee = await authenticate_client(
            session,
            credentials=request.client,
            address=address,
            settings=settings,
            now=now,
        )
        if grantee.id != token.client_id:
            raise InvalidGrant(INVALID_REFRESH_TOKEN)
    else:
        grantee = await session.get(User, token.user_id, populate_existing=True)
    # Claim the token in one conditional UPDATE, so two replicas cannot both use it.
    claimed = cast(
        CursorResult[Any],
        await session.execute(
            update(RefreshToken)
            .where(
                RefreshToken.id == token.id,
                RefreshToken.used_at.is_(None),
                RefreshToken.revoked_at.is_(None),
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    if claimed.rowcount != 1:
        await _revoke_family(session, family_id=token.family_id, now=now)
        logger.warning(
            "refresh_token_reused",
            family_id=str(token.family_id),
            user_id=str(token.user_id) if token.user_id else None,
            client_id=str(token.client_id) if token.client_id else None,
            address=address,
        )
        raise RefreshTokenReused(INVALID_REFRESH_TOKEN)
    if grantee is None or not grantee.active:
        raise InvalidGrant(INVALID_REFRESH_TOKEN)
    allowed = allowed_scopes(grantee) & frozenset(token.scope.split())
    return await issue_tokens(
        session,
        grantee,
        scopes=_granted(allowed, request.requested_scopes),
        keys=keys,
        settings=settings,
        now=now,
        family_id=token.family_id,
        session_expires_at=token.expires_at,
    )


async def grant(
    session: AsyncSession,
    *,
    request: TokenRequest,
    address: str,
    keys: KeySet,
    settings: Settings,
    now: dt.datetime,
) -> TokenResponse:
    """Answer a token request (password, client_credentials or refresh_token grant).

    Raises InvalidRequest, InvalidClient, InvalidGrant (RefreshTokenReused after revoking
    the token's family), InvalidScope, UnsupportedGrantType, LoginThrottled. Failed logins
    and revocations are flushed before the error is raised: the caller commits them.
    """
    if request.grant_type is GrantType.password:
        if not request.username or request.password is None:
            raise InvalidRequest("username and password are required")
        user = await authenticate_user(
            session,
            username=request.username,
            password=request.password.get_secret_value(),
            address=address,
            settings=settings,
            now=now,
        )
        scopes = _granted(allowed_scopes(user), request.requested_scopes)
        return await issue_tokens(
            session, user, scopes=scopes, keys=keys, settings=settings, now=now
        )
    if request.grant_type is GrantType.client_credentials:
        client = await authenticate_client(
            session,
            credentials=request.client,
            address=address,
            settings=settings,
            now=now,
        )
        scopes = _granted(allowed_scopes(client), request.requested_scopes)
        return await issue_tokens(
            session, client, scopes=scopes, keys=keys, settings=settings, now=now
        )
    if request.grant_type is GrantType.refresh_token:
        return await _refresh(
            session,
            request=request,
            address=address,
            keys=keys,
            settings=settings,
            now=now,
        )
    raise UnsupportedGrantType(f"Unsupported grant_type {request.grant_type}")
