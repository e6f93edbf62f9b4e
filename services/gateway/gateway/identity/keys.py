"""The gateway's token signing keys: Ed25519, one PEM file per key in ``keys_dir``.

A key file is named after the moment it was made (``20261129T220000123456Z.pem``, UTC);
its ``kid`` is the RFC 7638 thumbprint of its public key, computed from the key itself.

- The newest key signs.
- A key is published in the JWKS while it is the newest, and for ``publication_s`` seconds
  after a newer key superseded it (the longest access token plus a margin): every token it
  signed can still be verified, and no longer.
- ``rotate-keys`` (the command line) adds a new key and deletes the keys no longer
  published. Nothing else deletes keys; startup only creates a key when there is none.

The directory is created with mode 0700 and the files with 0600. Every replica of the
gateway must see the same directory (a shared volume, or a secret holding the files); each
re-reads it every ``reload_s`` seconds, and at once when a token names a key it does not know.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import json
import os
import re
import stat
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import jwt
import structlog
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.auth import Principal, TokenVerifier
from shared.db import utcnow

logger = structlog.get_logger(__name__)

ALGORITHM = "EdDSA"
_TIME_FORMAT = "%Y%m%dT%H%M%S%fZ"
_FILE_RE = re.compile(r"^[0-9]{8}T[0-9]{12}Z\.pem$")
#: Forced re-reads (a token with an unknown ``kid``) happen at most this often.
_FORCED_RELOAD_MIN_S = 1.0


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def thumbprint(x: str) -> str:
    """RFC 7638 thumbprint of an Ed25519 public key (``x`` base64url): SHA-256 of the JWK's
    required members in lexicographic order, without whitespace, base64url-encoded."""
    canonical = json.dumps(
        {"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"), sort_keys=True
    )
    return _b64url(hashlib.sha256(canonical.encode("ascii")).digest())


@dataclass(frozen=True)
class SigningKey:
    created_at: dt.datetime
    private_key: Ed25519PrivateKey = field(repr=False)
    path: Path

    # Cached: every token check looks the published keys up by kid (a frozen dataclass
    # keeps cached_property's value in its __dict__).
    @cached_property
    def x(self) -> str:
        raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return _b64url(raw)

    @cached_property
    def kid(self) -> str:
        return thumbprint(self.x)

    def jwk(self) -> dict[str, str]:
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": self.x,
            "kid": self.kid,
            "alg": ALGORITHM,
            "use": "sig",
        }

    def sign(self, claims: Mapping[str, Any]) -> str:
        return jwt.encode(
            dict(claims),
            self.private_key,
            algorithm=ALGORITHM,
            headers={"kid": self.kid},
        )


@dataclass(frozen=True)
class KeySet:
    """The keys of ``keys_dir`` at one moment, newest first."""

    keys: tuple[SigningKey, ...]
    publication_s: int

    @property
    def signing_key(self) -> SigningKey:
        return self.keys[0]

    def published(self, now: dt.datetime | None = None) -> list[SigningKey]:
        """The newest key, and each older key superseded less than ``publication_s`` ago."""
        now = now or utcnow()
        cutoff = now - dt.timedelta(seconds=self.publication_s)
        out = list(self.keys[:1])
        for newer, key in zip(self.keys, self.keys[1:], strict=False):
            if newer.created_at > cutoff:
                out.append(key)
        return out

    def retired(self, now: dt.datetime | None = None) -> list[SigningKey]:
        published = {k.path for k in self.published(now)}
        return [k for k in self.keys if k.path not in published]

    def jwks(self, now: dt.datetime | None = None) -> dict[str, list[dict[str, str]]]:
        return {"keys": [k.jwk() for k in self.published(now)]}


def _file_name(created_at: dt.datetime) -> str:
    return created_at.astimezone(dt.UTC).strftime(_TIME_FORMAT) + ".pem"


def _created_at(path: Path) -> dt.datetime:
    return dt.datetime.strptime(path.stem, _TIME_FORMAT).replace(tzinfo=dt.UTC)


def ensure_directory(directory: Path) -> None:
    """Create ``directory`` with mode 0700 unless it exists; warn when an existing one is
    open to other users."""
    if not directory.exists():
        directory.mkdir(mode=0o700, parents=True)
        os.chmod(directory, 0o700)  # mkdir's mode is filtered by the umask
        return
    mode = stat.S_IMODE(directory.stat().st_mode)
    if mode & 0o077:
        logger.warning("keys_dir_not_private", keys_dir=str(directory), mode=oct(mode))


def load_keys(directory: Path, *, publication_s: int) -> KeySet:
    """Every key file of ``directory``; files not named like a key are ignored.
    Raises ValueError for a key file that is not an unencrypted Ed25519 PEM private key."""
    keys = []
    if directory.is_dir():
        for path in directory.iterdir():
            if not _FILE_RE.match(path.name):
                continue
            try:
                private_key = serialization.load_pem_private_key(
                    path.read_bytes(), password=None
                )
            except (ValueError, TypeError) as exc:
                raise ValueError(f"{path} is not a readable PEM private key") from exc
            if not isinstance(private_key, Ed25519PrivateKey):
                raise ValueError(f"{path} is not an Ed25519 key")
            keys.append(SigningKey(_created_at(path), private_key, path))
    keys.sort(key=lambda k: (k.created_at, k.path.name), reverse=True)
    return KeySet(tuple(keys), publication_s=publication_s)


def generate_key(directory: Path, *, now: dt.datetime | None = None) -> SigningKey:
    """Write a new key file (mode 0600) into ``directory`` and return the key."""
    ensure_directory(directory)
    private_key = Ed25519PrivateKey.generate()
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    created_at = now or utcnow()
    temporary = directory / f".new-{os.getpid()}-{time.monotonic_ns()}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(pem)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o600)
        while True:
            path = directory / _file_name(created_at)
            try:
                # link, not rename: never replaces a key another replica made at the same instant.
                os.link(temporary, path)
                break
            except FileExistsError:
                created_at += dt.timedelta(microseconds=1)
    finally:
        temporary.unlink(missing_ok=True)
    return SigningKey(created_at, private_key, path)


def ensure_key(directory: Path, *, publication_s: int) -> KeySet:
    """The keys of ``directory``, after making one if there is none."""
    keys = load_keys(directory, publication_s=publication_s)
    if keys.keys:
        return keys
    key = generate_key(directory)
    logger.info("signing_key_created", kid=key.kid, keys_dir=str(directory))
    return load_keys(directory, publication_s=publication_s)


def rotate_keys(
    directory: Path, *, publication_s: int, now: dt.datetime | None = None
) -> tuple[SigningKey, list[SigningKey]]:
    """Add a new signing key; delete the keys that are no longer published.
    Returns the new key and the deleted ones."""
    now = now or utcnow()
    key = generate_key(directory, now=now)
    keys = load_keys(directory, publication_s=publication_s)
    retired = keys.retired(now)
    for old in retired:
        old.path.unlink(missing_ok=True)
    return key, retired


class KeyStore:
    """The keys a running gateway signs and verifies with, re-read from ``directory``
    at most every ``reload_s`` seconds (and on demand, at most every second)."""

    def __init__(self, directory: Path, *, publication_s: int, reload_s: float) -> None:
        self.directory = directory
        self.publication_s = publication_s
        self.reload_s = reload_s
        self._keys: KeySet | None = None
        self._loaded_at = 0.0
        self._lock = asyncio.Lock()

    async def start(self) -> KeySet:
        """Load the keys, making one when there is none (startup)."""
        keys = await asyncio.to_thread(
            ensure_key, self.directory, publication_s=self.publication_s
        )
        self._keys, self._loaded_at = keys, time.monotonic()
        return keys

    async def current(self, *, force: bool = False) -> KeySet:
        """The keys; re-read when older than ``reload_s`` (``force``: older than a second).
        A directory that cannot be read keeps the keys last read (and logs why)."""
        if self._keys is None:
            return await self.start()
        age = time.monotonic() - self._loaded_at
        if age < (_FORCED_RELOAD_MIN_S if force else self.reload_s):
            return self._keys
        async with self._lock:
            age = time.monotonic() - self._loaded_at
            if age >= (_FORCED_RELOAD_MIN_S if force else self.reload_s):
                try:
                    keys = await asyncio.to_thread(
                        load_keys, self.directory, publication_s=self.publication_s
                    )
                except (OSError, ValueError) as exc:
                    logger.error("signing_keys_unreadable", error=str(exc))
                else:
                    if keys.keys:
                        self._keys = keys
                self._loaded_at = time.monotonic()
        assert self._keys is not None
        return self._keys


def _unverified_kid(token: str) -> str | None:
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError:
        return None
    return kid if isinstance(kid, str) else None


class OwnKeysVerifier:
    """Verifies tokens against the gateway's own published keys, as the services verify them
    against its JWKS (``shared.auth.TokenVerifier``); set as ``app.state.token_verifier``."""

    def __init__(self, store: KeyStore, *, issuer: str, audience: str) -> None:
        self.store = store
        self.issuer = issuer
        self.audience = audience
        self._verifier: TokenVerifier | None = None
        self._kids: frozenset[str] = frozenset()

    def _verifier_for(self, jwks: dict[str, list[dict[str, str]]]) -> TokenVerifier:
        kids = frozenset(k["kid"] for k in jwks["keys"])
        if self._verifier is None or kids != self._kids:
            self._verifier = TokenVerifier(
                issuer=self.issuer, audience=self.audience, jwks=jwks
            )
            self._kids = kids
        return self._verifier

    async def verify(self, token: str) -> Principal:
        """The token's principal. Raises Unauthorized for any invalid token."""
        keys = await self.store.current()
        jwks = keys.jwks()
        kid = _unverified_kid(token)
        if kid is not None and kid not in {k["kid"] for k in jwks["keys"]}:
            # Perhaps another replica's key, added since this one last read the directory.
            jwks = (await self.store.current(force=True)).jwks()
        return await self._verifier_for(jwks).verify(token)
