"""Tokens of the e2e stack's gateway."""

from __future__ import annotations

import httpx
from stack import Stack


def token_of(stack: Stack, credentials: tuple[str, str]) -> dict[str, str]:
    """Authorization headers for the client ``credentials`` (client-credentials grant; a
    token good for 15 minutes)."""
    response = httpx.post(
        f"{stack.url()}/api/v1/auth/token",
        data={"grant_type": "client_credentials"},
        auth=credentials,
        trust_env=False,
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
