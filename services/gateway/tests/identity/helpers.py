"""Calls of the token endpoint and checks of what it answers."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import jwt

TOKEN_URL = "/api/v1/auth/token"
JWKS_URL = "/.well-known/jwks.json"
PROBLEM = "application/problem+json"


async def token(
    client: httpx.AsyncClient, form: dict[str, str], **kwargs: Any
) -> httpx.Response:
    return await client.post(TOKEN_URL, data=form, **kwargs)


async def login(
    client: httpx.AsyncClient, username: str, password: str, **form: str
) -> httpx.Response:
    return await token(
        client,
        {"grant_type": "password", "username": username, "password": password, **form},
    )


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = f"{client_id}:{secret}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


async def decode(client: httpx.AsyncClient, access_token: str) -> dict[str, Any]:
    """The token's claims, verified with the key its ``kid`` names in the published JWKS."""
    jwks = (await client.get(JWKS_URL)).json()
    kid = jwt.get_unverified_header(access_token)["kid"]
    (jwk,) = [k for k in jwks["keys"] if k["kid"] == kid]
    key = jwt.PyJWK.from_dict(jwk, algorithm="EdDSA")
    claims: dict[str, Any] = jwt.decode(
        access_token,
        key.key,
        algorithms=["EdDSA"],
        audience="fazhi",
        issuer="fazhi-gateway",
        options={"require": ["exp", "iat", "sub", "jti"]},
    )
    return claims


def without_request_id(body: dict[str, Any]) -> dict[str, Any]:
    """The problem without what names its occurrence (request id and instance)."""
    return {k: v for k, v in body.items() if k not in ("request_id", "instance")}
