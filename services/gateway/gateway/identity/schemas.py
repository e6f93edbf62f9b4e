"""Shapes of identity: what the command line creates, what the token endpoint reads and
answers (RFC 6749 §4.3, §4.4, §6, §5.1), and the JWKS document (RFC 7517)."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    model_validator,
)

from shared.auth import ROLE_SCOPES, Role
from shared.types import StatisticsScope

#: Every permission a token may carry (docs/auth.md, "Permissions"): the union of what the
#: roles grant, so a client can be registered for nothing a role could not have.
PERMISSIONS: frozenset[str] = frozenset().union(*ROLE_SCOPES.values())

TownshipCode = Annotated[
    str,
    Field(
        pattern=r"^[0-9]{9}$",
        description="Township (乡镇) statistical code, nine digits.",
        examples=["421222100"],
    ),
]
Username = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9._-]{2,63}$",
        description="Login name: 3 to 64 lower-case ASCII letters, digits, `.`, `_` or `-`.",
        examples=["zhang.wei"],
    ),
]
DisplayName = Annotated[str, Field(min_length=1, max_length=100, examples=["张伟"])]

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256


def password_problem(password: str) -> str | None:
    """Why ``password`` is refused, or None. At least 12 characters from at least three of
    lower-case letters, upper-case letters, digits and other characters (MLPS level 3
    asks for complexity; the numbers are common practice)."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        return (
            f"a password has {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters"
        )
    classes = (
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    )
    if sum(classes) < 3:
        return (
            "a password mixes at least three of: lower-case letters, upper-case letters, "
            "digits, other characters"
        )
    return None


def _strong(value: SecretStr) -> SecretStr:
    problem = password_problem(value.get_secret_value())
    if problem:
        raise ValueError(problem)
    return value


Password = Annotated[SecretStr, AfterValidator(_strong)]


def _permissions(value: list[str]) -> list[str]:
    unknown = sorted(set(value) - PERMISSIONS)
    if unknown:
        raise ValueError(
            f"unknown permission {', '.join(unknown)}; known: {' '.join(sorted(PERMISSIONS))}"
        )
    return sorted(set(value))


def _user_roles(value: list[Role]) -> list[Role]:
    if Role.integration_client in value:
        raise ValueError("integration_client is a client's role, not a user's")
    return sorted(set(value))


class OrgCreate(BaseModel):
    """The organisation a user or client acts for; an absent member does not restrict."""

    model_config = ConfigDict(extra="forbid")

    region_code: StatisticsScope = Field(
        description="A county; or a province (`PP0000`) or the country (`000000`) for a"
        " caller that reads the statistics and reports of every county in it."
    )
    township_code: TownshipCode | None = None
    committee_id: uuid.UUID | None = Field(
        default=None, description="Mediation committee (mediation service)."
    )
    agency_id: uuid.UUID | None = Field(
        default=None, description="Enforcement agency (enforcement service)."
    )

    @model_validator(mode="after")
    def _township_in_region(self) -> OrgCreate:
        if self.township_code is not None and not self.township_code.startswith(
            self.region_code
        ):
            raise ValueError(f"township_code must lie in region {self.region_code}")
        return self


class OrgRead(BaseModel):
    """The ``org`` claim: every member present, null when it does not restrict."""

    model_config = ConfigDict(from_attributes=True)

    region_code: str
    township_code: str | None
    committee_id: uuid.UUID | None
    agency_id: uuid.UUID | None


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Username
    display_name: DisplayName
    roles: Annotated[list[Role], Field(min_length=1), AfterValidator(_user_roles)]
    org: OrgCreate
    password: Password


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    username: str
    display_name: str
    roles: list[Role]
    org: OrgRead
    active: bool
    created_at: dt.datetime


class ClientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: DisplayName
    scopes: Annotated[list[str], Field(min_length=1), AfterValidator(_permissions)]
    org: OrgCreate


class ClientRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    client_id: str
    name: str
    scopes: list[str]
    org: OrgRead
    active: bool
    created_at: dt.datetime


class GrantType(StrEnum):
    password = "password"
    client_credentials = "client_credentials"
    refresh_token = "refresh_token"


class ClientCredentials(BaseModel):
    """A client's id and secret, from the form or from HTTP Basic (RFC 6749 §2.3.1)."""

    model_config = ConfigDict(frozen=True)

    client_id: str
    client_secret: SecretStr


class TokenRequest(BaseModel):
    """The token endpoint's form, already checked for shape (one value per parameter)."""

    model_config = ConfigDict(frozen=True)

    grant_type: GrantType
    username: str | None = None
    password: SecretStr | None = None
    refresh_token: SecretStr | None = None
    scope: str | None = None
    client: ClientCredentials | None = None

    @property
    def requested_scopes(self) -> frozenset[str] | None:
        """The ``scope`` parameter as a set, or None when the caller asked for no subset."""
        scopes = frozenset((self.scope or "").split())
        return scopes or None


class TokenResponse(BaseModel):
    """RFC 6749 §5.1."""

    access_token: str = Field(
        description="A JWT (EdDSA) to send as `Authorization: Bearer`."
    )
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(
        description="Seconds the access token is valid.", examples=[900]
    )
    refresh_token: str = Field(
        description="Single-use: exchange it with `grant_type=refresh_token` for new tokens."
    )
    scope: str = Field(
        description="Space-separated permissions granted.",
        examples=["mediation:read mediation:write"],
    )


class Jwk(BaseModel):
    """An Ed25519 public key (RFC 8037)."""

    kty: Literal["OKP"] = "OKP"
    crv: Literal["Ed25519"] = "Ed25519"
    x: str = Field(description="The public key, base64url without padding.")
    kid: str = Field(description="RFC 7638 thumbprint of the key.")
    alg: Literal["EdDSA"] = "EdDSA"
    use: Literal["sig"] = "sig"


class JwkSet(BaseModel):
    keys: list[Jwk]
