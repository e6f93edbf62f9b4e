"""shared.auth.TokenVerifier: a verified token is remembered, never past its expiry or its key."""

from __future__ import annotations

import asyncio
import time

import pytest

from shared.auth import TokenVerifier, Unauthorized
from shared.testing import TokenIssuer


def verifier(issuer: TokenIssuer) -> TokenVerifier:
    return TokenVerifier(
        issuer=issuer.issuer, audience=issuer.audience, jwks=issuer.jwks, leeway_s=30
    )


async def test_a_remembered_token_answers_the_same_principal() -> None:
    issuer = TokenIssuer()
    tokens = verifier(issuer)
    token = issuer.token(scopes={"mediation:read"}, org={"region_code": "421222"})
    first = await tokens.verify(token)
    assert await tokens.verify(token) is first
    assert (first.subject, first.scopes, first.org.region_code) == (
        "test-user",
        frozenset({"mediation:read"}),
        "421222",
    )


async def test_a_remembered_token_still_expires() -> None:
    issuer = TokenIssuer()
    tokens = TokenVerifier(
        issuer=issuer.issuer, audience=issuer.audience, jwks=issuer.jwks, leeway_s=0
    )
    # Expires at least one second after it is issued (JWT times are whole seconds: a
    # one-second lifetime could already be over when issued late in a second).
    expires = int(time.time()) + 2
    token = issuer.token(exp=expires)
    await tokens.verify(token)
    await asyncio.sleep(expires - time.time() + 0.2)
    with pytest.raises(Unauthorized, match="expired"):
        await tokens.verify(token)


async def test_a_remembered_token_of_a_removed_key_is_verified_again() -> None:
    issuer = TokenIssuer()
    tokens = verifier(issuer)
    token = issuer.token()
    await tokens.verify(token)
    tokens._keys.clear()  # the key left the JWKS
    with pytest.raises(Unauthorized, match="unknown key"):
        await tokens.verify(token)


async def test_the_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    issuer = TokenIssuer()
    tokens = verifier(issuer)
    monkeypatch.setattr(TokenVerifier, "VERIFIED_CACHE_SIZE", 3)
    for i in range(5):
        await tokens.verify(issuer.token(subject=f"user-{i}"))
    assert [p.subject for p, _, _ in tokens._verified.values()] == [
        "user-2",
        "user-3",
        "user-4",
    ]
