from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from gateway.db import SessionDep
from gateway.identity import service
from gateway.identity.dependencies import (
    FORM_MEDIA_TYPE,
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

_TOKEN_FORM: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            FORM_MEDIA_TYPE: {
                "schema": {
                    "type": "object",
                    "required": ["grant_type"],
                    "properties": {
                        "grant_type": {"type": "string", "enum": list(GrantType)},
                        "username": {"type": "string", "description": "password grant"},
                        "password": {
                            "type": "string",
                            "format": "password",
                            "description": "password grant",
                        },
                        "refresh_token": {
                            "type": "string",
                            "description": "refresh_token grant",
                        },
                        "client_id": {
                            "type": "string",
                            "description": "client_credentials grant, unless sent with HTTP Basic",
                        },
                        "client_secret": {
                            "type": "string",
                            "format": "password",
                            "description": "client_credentials grant, unless sent with HTTP Basic",
                        },
                        "scope": {
                            "type": "string",
                            "description": "Space-separated permissions: a subset of what the "
                            "user's roles or the client's registration grant (default: all of it).",
                        },
                    },
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
