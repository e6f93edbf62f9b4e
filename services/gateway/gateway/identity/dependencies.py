from __future__ import annotations

import base64
import binascii
from typing import Annotated
from urllib.parse import parse_qsl, unquote_plus

from fastapi import Depends, Request
from pydantic import SecretStr

from gateway.config import Settings
from gateway.identity.exceptions import InvalidRequest, UnsupportedGrantType
from gateway.identity.keys import KeySet, KeyStore
from gateway.identity.schemas import ClientCredentials, GrantType, TokenRequest

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
#: A token request is a few short fields; anything bigger is not one.
MAX_FORM_BYTES = 16 * 1024
#: RFC 6749 parameters of any grant, and a few to spare.
MAX_FORM_FIELDS = 16


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _keys(request: Request) -> KeySet:
    store: KeyStore = request.app.state.signing_keys
    return await store.current()


async def _client_address(request: Request) -> str:
    """The TCP peer (behind a proxy: uvicorn ``--proxy-headers --forwarded-allow-ips``
    makes it the caller's address)."""
    return request.client.host if request.client else "unknown"


async def _form(request: Request) -> dict[str, str]:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != FORM_MEDIA_TYPE:
        raise InvalidRequest(f"The request body must be {FORM_MEDIA_TYPE}")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_FORM_BYTES:
            raise InvalidRequest("The request body is too large")
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=False,
            max_num_fields=MAX_FORM_FIELDS,
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidRequest("The request body is not a readable form") from exc
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            # RFC 6749 §3.2: parameters must not be included more than once.
            raise InvalidRequest(f"Parameter {name[:40]!r} is given more than once")
        if "\x00" in name or "\x00" in value:
            raise InvalidRequest("Parameters must not contain NUL characters")
        form[name] = value
    # RFC 6749 §3.1: a parameter sent without a value is treated as omitted.
    return {name: value for name, value in form.items() if value}


def _basic_credentials(authorization: str | None) -> ClientCredentials | None:
    """``Authorization: Basic`` with the client id and secret, each form-encoded first
    (RFC 6749 §2.3.1); None for no header or another scheme."""
    if not authorization:
        return None
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidRequest("The Basic credentials are not readable") from exc
    client_id, colon, secret = decoded.partition(":")
    if not colon or not client_id:
        raise InvalidRequest("The Basic credentials are not readable")
    return ClientCredentials(
        client_id=unquote_plus(client_id), client_secret=SecretStr(unquote_plus(secret))
    )


async def _token_request(request: Request) -> TokenRequest:
    """The token endpoint's form. Raises InvalidRequest, UnsupportedGrantType."""
    form = await _form(request)
    grant_type = form.get("grant_type")
    if grant_type is None:
        raise InvalidRequest("grant_type is required")
    if grant_type not in {g.value for g in GrantType}:
        raise UnsupportedGrantType(f"grant_type must be one of: {', '.join(GrantType)}")
    client = _basic_credentials(request.headers.get("authorization"))
    if "client_secret" in form:
        if client is not None:
            raise InvalidRequest("Use one client authentication method, not two")
        client = ClientCredentials(
            client_id=form.get("client_id", ""),
            client_secret=SecretStr(form["client_secret"]),
        )
    password = form.get("password")
    refresh_token = form.get("refresh_token")
    return TokenRequest(
        grant_type=GrantType(grant_type),
        username=form.get("username"),
        password=SecretStr(password) if password is not None else None,
        refresh_token=SecretStr(refresh_token) if refresh_token is not None else None,
        scope=form.get("scope"),
        client=client,
    )


SettingsDep = Annotated[Settings, Depends(_settings)]
KeysDep = Annotated[KeySet, Depends(_keys)]
ClientAddressDep = Annotated[str, Depends(_client_address)]
TokenRequestDep = Annotated[TokenRequest, Depends(_token_request)]
