"""Errors of identity. The token endpoint's errors carry the OAuth2 ``error`` code
(RFC 6749 §5.2) as an extension member of the problem body."""

from __future__ import annotations

from typing import Any, ClassVar

from shared.errors import Conflict, NotFound, ProblemError


class OAuthError(ProblemError):
    """An error of the token endpoint: the body's ``error`` member is :attr:`error`."""

    status = 400
    error: ClassVar[str]

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail, error=self.error, **extensions)
        # RFC 6749 §5.1: nothing the token endpoint answers may be cached.
        self.headers["Cache-Control"] = "no-store"


class InvalidRequest(OAuthError):
    """A parameter is missing, repeated or malformed, or the body is not a form."""

    type_slug = "invalid-request"
    title = "Invalid token request"
    error = "invalid_request"


class InvalidClient(OAuthError):
    """The client is unknown, inactive, or its secret is wrong."""

    status = 401
    type_slug = "invalid-client"
    title = "Client authentication failed"
    error = "invalid_client"

    def __init__(self, detail: str = "Client authentication failed") -> None:
        super().__init__(detail)
        self.headers["WWW-Authenticate"] = 'Basic realm="fazhi", charset="UTF-8"'


class InvalidGrant(OAuthError):
    """Wrong credentials, or a refresh token that is unknown, expired, used or revoked."""

    type_slug = "invalid-grant"
    title = "Invalid grant"
    error = "invalid_grant"


class RefreshTokenReused(InvalidGrant):
    """A refresh token was presented a second time: its whole family has been revoked.
    Answers exactly as any other invalid refresh token (the caller may be the thief)."""


class UnsupportedGrantType(OAuthError):
    type_slug = "unsupported-grant-type"
    title = "Unsupported grant type"
    error = "unsupported_grant_type"


class InvalidScope(OAuthError):
    """The ``scope`` asked for is more than the user or client may have."""

    type_slug = "invalid-scope"
    title = "Invalid scope"
    error = "invalid_scope"


class LoginThrottled(OAuthError):
    """Too many failed logins of the account or from the client address."""

    status = 429
    type_slug = "too-many-failed-logins"
    title = "Too many failed logins"
    error = "temporarily_unavailable"

    def __init__(self, *, retry_after_s: int) -> None:
        super().__init__(
            f"Too many failed logins; try again in {retry_after_s} seconds."
        )
        self.retry_after_s = retry_after_s
        self.headers["Retry-After"] = str(retry_after_s)


class UsernameTaken(Conflict):
    type_slug = "username-taken"
    title = "Username taken"


class UserNotFound(NotFound):
    type_slug = "user-not-found"
    title = "User not found"


class ClientNotFound(NotFound):
    type_slug = "client-not-found"
    title = "Client not found"
