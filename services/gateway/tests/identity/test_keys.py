"""Signing keys: files, thumbprints, the JWKS, and rotation without downtime."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import io
import stat
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.config import Settings
from gateway.identity import cli
from gateway.identity.keys import generate_key, load_keys, rotate_keys, thumbprint
from shared.db import utcnow
from shared.settings import Environment
from tests.factories import PASSWORD, claims, make_user
from tests.identity.helpers import JWKS_URL, decode, login

REPORT = "/api/v1/reports/annual?region_code=421222&year=2023"
HOUR = 3600


def rfc7638(private_key: Ed25519PrivateKey) -> str:
    """The thumbprint computed by hand, as RFC 7638 §3 describes it."""
    raw = private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    member_text = '{"crv":"Ed25519","kty":"OKP","x":"' + x + '"}'
    digest = hashlib.sha256(member_text.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def private_keys(directory: Path) -> list[object]:
    return [
        serialization.load_pem_private_key(path.read_bytes(), password=None)
        for path in directory.iterdir()
    ]


class TestKeyFiles:
    def test_thumbprint_matches_rfc_8037_appendix_a3(self) -> None:
        # RFC 8037 A.3: the thumbprint of the example Ed25519 key.
        assert (
            thumbprint("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
            == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        )

    def test_a_key_file_is_private_and_its_kid_is_its_thumbprint(
        self, tmp_path: Path
    ) -> None:
        directory = tmp_path / "keys"
        key = generate_key(directory)
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
        assert stat.S_IMODE(key.path.stat().st_mode) == 0o600
        assert list(directory.iterdir()) == [key.path]
        assert key.kid == rfc7638(key.private_key)
        (loaded,) = load_keys(directory, publication_s=900).keys
        assert loaded.kid == key.kid

    def test_a_superseded_key_is_published_until_its_tokens_have_expired(
        self, tmp_path: Path
    ) -> None:
        start = utcnow() - dt.timedelta(days=30)
        old = generate_key(tmp_path, now=start)
        new = generate_key(tmp_path, now=start + dt.timedelta(days=29))
        keys = load_keys(tmp_path, publication_s=HOUR)
        assert keys.signing_key.kid == new.kid
        superseded = new.created_at
        assert [
            k.kid for k in keys.published(superseded + dt.timedelta(minutes=59))
        ] == [
            new.kid,
            old.kid,
        ]
        assert [
            k.kid for k in keys.published(superseded + dt.timedelta(minutes=61))
        ] == [new.kid]

    def test_the_only_key_is_published_however_old(self, tmp_path: Path) -> None:
        key = generate_key(tmp_path, now=utcnow() - dt.timedelta(days=400))
        keys = load_keys(tmp_path, publication_s=HOUR)
        assert [k.kid for k in keys.published()] == [key.kid]
        assert keys.signing_key.kid == key.kid

    def test_rotation_deletes_only_keys_no_longer_published(
        self, tmp_path: Path
    ) -> None:
        now = utcnow()
        oldest = generate_key(tmp_path, now=now - dt.timedelta(days=60))
        previous = generate_key(tmp_path, now=now - dt.timedelta(days=30))
        current = generate_key(tmp_path, now=now - dt.timedelta(minutes=10))
        new, deleted = rotate_keys(tmp_path, publication_s=HOUR, now=now)
        # `previous` was superseded 10 minutes ago: it stays; `oldest` 30 days ago: it goes.
        assert [k.kid for k in deleted] == [oldest.kid]
        assert not oldest.path.exists()
        remaining = load_keys(tmp_path, publication_s=HOUR)
        assert [k.kid for k in remaining.keys] == [new.kid, current.kid, previous.kid]
        assert [k.kid for k in remaining.published(now)] == [
            new.kid,
            current.kid,
            previous.kid,
        ]

    def test_a_file_that_is_not_a_key_is_refused(self, tmp_path: Path) -> None:
        (tmp_path / "20260101T000000000000Z.pem").write_text("not a key")
        with pytest.raises(ValueError, match="not a readable PEM"):
            load_keys(tmp_path, publication_s=HOUR)

    def test_other_files_are_ignored(self, tmp_path: Path) -> None:
        key = generate_key(tmp_path)
        (tmp_path / "README").write_text("keys")
        assert [k.kid for k in load_keys(tmp_path, publication_s=HOUR).keys] == [
            key.kid
        ]


class TestJwks:
    async def test_startup_makes_a_key_and_publishes_it(
        self, client: httpx.AsyncClient, keys_dir: Path
    ) -> None:
        response = await client.get(JWKS_URL)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=300"
        (jwk,) = response.json()["keys"]
        (private_key,) = private_keys(keys_dir)
        assert isinstance(private_key, Ed25519PrivateKey)
        assert jwk == {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": jwk["x"],
            "kid": rfc7638(private_key),
            "alg": "EdDSA",
            "use": "sig",
        }
        assert "d" not in jwk

    async def test_a_restart_keeps_the_key(
        self, app: FastAPI, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        before = (await client.get(JWKS_URL)).json()
        async with app.router.lifespan_context(app):
            pass
        assert (await client.get(JWKS_URL)).json() == before

    async def test_tokens_name_the_published_key(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await make_user(session)
        access = (await login(client, "zhang.wei", PASSWORD)).json()["access_token"]
        kids = [k["kid"] for k in (await client.get(JWKS_URL)).json()["keys"]]
        assert jwt.get_unverified_header(access)["kid"] in kids


@pytest.fixture
def settings(database_url: str, keys_dir: Path) -> Settings:
    """Keys re-read almost at once, so that a rotation shows without waiting."""
    return Settings(
        environment=Environment.test,
        database_url=database_url,
        keys_dir=keys_dir,
        keys_reload_s=0.01,
    )


async def rotate(settings: Settings) -> str:
    out = io.StringIO()
    assert await cli.run(["rotate-keys"], settings=settings, stdout=out) == 0
    await asyncio.sleep(0.02)
    return out.getvalue()


def kids(jwks: dict[str, Any]) -> list[str]:
    return [k["kid"] for k in jwks["keys"]]


class TestRotation:
    async def test_after_rotation_both_keys_are_published_and_the_new_one_signs(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings
    ) -> None:
        await make_user(session)
        (old_kid,) = kids((await client.get(JWKS_URL)).json())
        old_token = (await login(client, "zhang.wei", PASSWORD)).json()

        output = await rotate(settings)

        published = kids((await client.get(JWKS_URL)).json())
        assert len(published) == 2
        new_kid = published[0]
        assert published == [new_kid, old_kid]
        assert f"new signing key {new_kid}" in output
        new_token = (await login(client, "zhang.wei", PASSWORD)).json()
        assert jwt.get_unverified_header(new_token["access_token"])["kid"] == new_kid
        # A token the old key signed before the rotation still verifies ...
        claims = await decode(client, old_token["access_token"])
        assert claims["sub"] == (await decode(client, new_token["access_token"]))["sub"]
        # ... at the gateway's own protected endpoint too.
        response = await client.get(
            REPORT, headers={"Authorization": f"Bearer {old_token['access_token']}"}
        )
        assert response.status_code == 200, response.text
        response = await client.get(
            REPORT, headers={"Authorization": f"Bearer {new_token['access_token']}"}
        )
        assert response.status_code == 200, response.text

    async def test_a_second_rotation_soon_after_keeps_every_key_that_may_have_signed(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        await rotate(settings)
        await rotate(settings)
        assert len(kids((await client.get(JWKS_URL)).json())) == 3

    async def test_a_key_added_by_another_replica_is_picked_up_for_verification(
        self, app: FastAPI, client: httpx.AsyncClient, keys_dir: Path
    ) -> None:
        # Another replica made a newer key and signs with it; this one has not re-read the
        # directory yet, but a token naming an unknown key makes it look (at most each second).
        app.state.signing_keys.reload_s = 3600
        other = generate_key(keys_dir)
        token = other.sign(claims())
        await asyncio.sleep(1.05)
        response = await client.get(
            REPORT, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, response.text
