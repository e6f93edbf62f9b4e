"""Personal information (domain.md §8; PIPL): validation, encryption, search and masking.

- Resident ID numbers (居民身份证号, GB 11643): trimmed, full-width folded to half-width
  (NFKC), spaces removed, ``x`` upper-cased; 17 digits and the MOD 11-2 check character,
  a real birth date, a known GB/T 2260 address code (python-stdnum ``cn.ric``; the code need
  not have existed in the birth year: a number is issued where one is registered). The
  15-digit legacy form is refused with a message asking for the 18-digit number of the
  current card (it cannot be converted without guessing the century and the check character is not there to verify it).
- Phones: an 11-digit mainland mobile (1[3-9]…) or a landline with its area code
  (0 + 2–3 digits + 7–8 digits); separators are removed.
- Unified social credit codes (统一社会信用代码, GB 32100): check character verified
  (python-stdnum ``cn.uscc``).

Stored values are encrypted with AES-256-GCM under the service's key; a keyed hash
(HMAC-SHA-256 under a key derived from the same secret) finds and de-duplicates them
without decrypting. Responses show them masked (ID: first 4 and last 4; phone: 3 + 4)
unless the caller may see them in full, and each full read is audited by the service.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from pathlib import Path
from typing import Annotated, Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fastapi import Depends, Request
from pydantic import BeforeValidator, Field
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError

from shared.types import today

_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE = re.compile(r"^0[0-9]{2,3}[0-9]{7,8}$")
_SEPARATORS = re.compile(r"[\s\-()（）]")


def _fold(raw: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw)).upper()


def _region_known(code: str) -> bool:
    from stdnum import numdb

    info = {k for _, props in numdb.get("cn/loc").info(code) for k in props}
    return "county" in info


def normalise_id_number(raw: object) -> str:
    """The 18-character resident ID number, or ValueError saying what is wrong."""
    if not isinstance(raw, str):
        raise ValueError("must be a string of 18 characters")
    value = _fold(raw)
    if len(value) == 15 and value.isdigit():
        raise ValueError(
            "the 15-digit form of the old card is not accepted: give the 18-character number"
        )
    if len(value) != 18:
        raise ValueError("must be 18 characters: 17 digits and a check digit or X")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValueError("must be 18 characters: 17 digits and a check digit or X")
    if value[17] != ric.calc_check_digit(value):
        raise ValueError("the check character does not match (GB 11643)")
    try:
        born = ric.get_birth_date(value)
    except InvalidComponent:
        raise ValueError("the birth date part is not a real date") from None
    if born > today() or born.year < 1880:
        raise ValueError("the birth date part is not plausible")
    # The address code is that of the place of registration when the number was issued,
    # which may be later than the birth (a move re-issues the number): the code must exist,
    # not have existed in the birth year (python-stdnum's ``validate`` checks the latter).
    if not _region_known(value[:6]):
        raise ValueError("the region part is not a known GB/T 2260 code")
    return value


def normalise_phone(raw: object) -> str:
    """Digits of a mainland mobile or a landline with area code, or ValueError."""
    if not isinstance(raw, str):
        raise ValueError("must be a string")
    value = _fold(raw).removeprefix("+86").removeprefix("0086")
    if _MOBILE.match(value) or _LANDLINE.match(value):
        return value
    raise ValueError(
        "must be an 11-digit mobile number or a landline with its area code"
    )


def normalise_credit_code(raw: object) -> str:
    """The 18-character unified social credit code, or ValueError."""
    if not isinstance(raw, str):
        raise ValueError("must be a string of 18 characters")
    try:
        return str(uscc.validate(_fold(raw)))
    except InvalidChecksum:
        raise ValueError("the check character does not match (GB 32100)") from None
    except ValidationError:
        raise ValueError(
            "must be 18 characters of digits and capital letters (GB 32100)"
        ) from None


#: The ``format`` each type declares in the OpenAPI document: a JSON Schema cannot say what
#: a check character is, so the format names the rule (clients and the API fuzzer in
#: tests/fuzz generate and validate values by it).
ID_NUMBER_FORMAT = "cn-resident-id"
PHONE_FORMAT = "cn-phone"
CREDIT_CODE_FORMAT = "cn-credit-code"

ResidentIdNumber = Annotated[
    str,
    BeforeValidator(normalise_id_number),
    Field(
        description="Resident ID number (18 characters; full-width, spaces and lower-case x accepted).",
        json_schema_extra={"format": ID_NUMBER_FORMAT},
    ),
]
Phone = Annotated[
    str,
    BeforeValidator(normalise_phone),
    Field(
        description="Mobile (11 digits) or landline with area code.",
        json_schema_extra={"format": PHONE_FORMAT},
    ),
]
CreditCode = Annotated[
    str,
    BeforeValidator(normalise_credit_code),
    Field(
        description="Unified social credit code (18 characters).",
        json_schema_extra={"format": CREDIT_CODE_FORMAT},
    ),
]


def mask_id_number(value: str) -> str:
    """``4201**********1234``: the first 4 and last 4 characters."""
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """``138****8000``: the first 3 and last 4 digits."""
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """``张*``: the surname and an asterisk, for public outputs."""
    return value[:1] + "*" if value else value


class PersonalDataCipher:
    """AES-256-GCM encryption and a keyed hash, both from one 32-byte secret."""

    PREFIX = "v1:"

    def __init__(self, secret: bytes) -> None:
        if len(secret) != 32:
            raise ValueError("the personal-data key must be 32 bytes")
        self._aead = AESGCM(
            hmac.new(secret, b"fazhi personal data encryption", hashlib.sha256).digest()
        )
        self._hash_key = hmac.new(
            secret, b"fazhi personal data search", hashlib.sha256
        ).digest()

    def encrypt(self, value: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, value.encode(), None)
        return self.PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def decrypt(self, token: str) -> str:
        if not token.startswith(self.PREFIX):
            raise ValueError("not a personal-data ciphertext")
        raw = base64.urlsafe_b64decode(token[len(self.PREFIX) :])
        return self._aead.decrypt(raw[:12], raw[12:], None).decode()

    def search_hash(self, value: str) -> str:
        """Hex HMAC-SHA-256 of the normalised value: equal values, equal hashes."""
        return hmac.new(self._hash_key, value.encode(), hashlib.sha256).hexdigest()


def load_or_create_key(path: Path) -> bytes:
    """The 32-byte key in ``path`` (base64), generated with mode 0600 when missing (the
    embedded default; production passes its key through settings).

    Safe when several requests or processes start at once: the key is written to a private
    temporary file and linked into place atomically, so a reader never sees a partial file
    and the first writer's key wins."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.b64encode(secrets.token_bytes(32)).decode())
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another request or process won: use its key
        finally:
            os.unlink(temporary)
    key = base64.b64decode(path.read_text().strip())
    if len(key) != 32:
        raise ValueError(f"{path} does not hold a 32-byte base64 key")
    return key


def cipher_from(settings: Any) -> PersonalDataCipher:
    """The cipher of a data service's settings: ``personal_data_key`` (validated as base64
    of 32 bytes by the settings), else the key file ``<data_dir>/<service_name>-personal-data.key``."""
    if settings.personal_data_key is not None:
        return PersonalDataCipher(
            base64.b64decode(settings.personal_data_key.get_secret_value())
        )
    return PersonalDataCipher(
        load_or_create_key(
            settings.data_dir / f"{settings.service_name}-personal-data.key"
        )
    )


async def _cipher(request: Request) -> PersonalDataCipher:
    """The app's cipher, built once on first use (an app that never meets personal data
    writes no key file)."""
    state = request.app.state
    cipher: PersonalDataCipher | None = getattr(state, "personal_data_cipher", None)
    if cipher is None:
        cipher = state.personal_data_cipher = cipher_from(state.settings)
    return cipher


CipherDep = Annotated[PersonalDataCipher, Depends(_cipher)]
