from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from gateway.db import SessionDep
from gateway.identity import service
from gateway.identity.dependencies import (
    FORM_MEDIA_TYPE,
    MAX_FORM_FIELDS,
    ClientAddressDep,
    KeysDep,
    SettingsDep,
    TokenRequestDep,
)
from gateway.identity.exceptions import (
    InvalidClient,
    InvalidGrant,
    InvalidRequest,
    InvalidScope,
    LoginThrottled,
    OAuthError,
    UnsupportedGrantType,
)
from gateway.identity.schemas import GrantType, JwkSet, TokenResponse
from shared.db import utcnow
from shared.errors import problem_responses

router = APIRouter(prefix="/auth", tags=["auth"])
well_known_router = APIRouter(tags=["auth"])

#: No NUL character anywhere in the form (400 invalid_request).
_NO_NUL = r"^[^\x00]*$"
_VALUE = {"type": "string", "minLength": 1, "pattern": _NO_NUL}
_SCOPE = {
    "type": "string",
    "pattern": _NO_NUL,
    "description": "Space-separated permissions: a subset of what the user's roles or the "
    "client's registration grant (default: all of it).",
}


def _grant(grant_type: GrantType, fields: dict[str, Any], required: list[str]) -> Any:
    """The form of one grant type. A parameter sent empty counts as omitted (RFC 6749 §3.1),
    so a required one has a value; parameters of other grants are ignored."""
    return {
        "title": f"grant_type={grant_type.value}",
        "type": "object",
        "required": ["grant_type", *required],
        "properties": {
            "grant_type": {"type": "string", "enum": [grant_type.value]},
            **fields,
            "scope": _SCOPE,
        },
        "maxProperties": MAX_FORM_FIELDS,
        "propertyNames": {"pattern": _NO_NUL},
        "additionalProperties": {"type": "string", "pattern": _NO_NUL},
    }


_CLIENT_FIELDS = {
    "client_id": {
        **_VALUE,
        "description": "The client's id, unless sent with HTTP Basic.",
    },
    "client_secret": {
        **_VALUE,
        "format": "password",
        "description": "The client's secret, unless sent with HTTP Basic.",
    },
}
_TOKEN_FORM: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            FORM_MEDIA_TYPE: {
                "schema": {
                    "oneOf": [
                        _grant(
                            GrantType.password,
                            {
                                "username": _VALUE,
                                "password": {**_VALUE, "format": "password"},
                            },
                            ["username", "password"],
                        ),
                        _grant(GrantType.client_credentials, _CLIENT_FIELDS, []),
                        _grant(
                            GrantType.refresh_token,
                            {"refresh_token": _VALUE, **_CLIENT_FIELDS},
                            ["refresh_token"],
                        ),
                    ]
                }
            }
        },
    }
}


@router.post(
    "/token",
    response_model=TokenResponse,
    responses=problem_responses(
        InvalidRequest,
        InvalidClient,
        InvalidGrant,
        InvalidScope,
        UnsupportedGrantType,
        LoginThrottled,
        validation=False,
    ),
    openapi_extra=_TOKEN_FORM,
)
async def issue_token(
    token_request: TokenRequestDep,
    session: SessionDep,
    keys: KeysDep,
    settings: SettingsDep,
    address: ClientAddressDep,
    response: Response,
) -> TokenResponse:
    """OAuth2 token endpoint (`application/x-www-form-urlencoded`).

    - `grant_type=password` with `username` and `password`: staff users.
    - `grant_type=client_credentials`: integrating systems, authenticated by `client_id`
      and `client_secret` form fields or by HTTP Basic.
    - `grant_type=refresh_token` with `refresh_token`: new tokens for a refresh token, which
      is single-use; presenting a used one again revokes every token of its login. A
      client's refresh token also needs that client's credentials.

    The access token is a JWT signed with Ed25519 (verify it with `/.well-known/jwks.json`).
    Errors are problem+json with the OAuth2 `error` code as a member; too many failed logins
    of an account or from an address answer 429 with `Retry-After`.
    """
    try:
        tokens = await service.grant(
            session,
            request=token_request,
            address=address,
            keys=keys,
            settings=settings,
            now=utcnow(),
        )
    except OAuthError:
        # Failed logins and revoked token families are stored along with the error.
        await session.commit()
        raise
    await session.commit()
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return tokens


@well_known_router.get("/.well-known/jwks.json", response_model=JwkSet)
async def read_jwks(keys: KeysDep, response: Response) -> JwkSet:
    """The public keys that verify the gateway's access tokens (RFC 7517): the current
    signing key and every older key that may still have signed a live token."""
    response.headers["Cache-Control"] = "public, max-age=300"
    return JwkSet.model_validate(keys.jwks())
