"""The service's personal-data cipher (shared.personal_data; domain.md §8).

Built once per app from ``Settings.personal_data_key`` (base64 of 32 bytes) or, when that
is unset, from the key file ``<data_dir>/reconsideration-personal-data.key`` (created on
first use with mode 0600). Endpoints take it through :data:`CipherDep`.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import Depends, Request

from reconsideration.config import Settings
from shared.personal_data import PersonalDataCipher, load_or_create_key


def cipher_from(settings: Settings) -> PersonalDataCipher:
    """The cipher of ``settings``' key; ValueError for a key that is not base64 of 32 bytes."""
    if settings.personal_data_key is None:
        path = settings.data_dir / f"{settings.service_name}-personal-data.key"
        return PersonalDataCipher(load_or_create_key(path))
    try:
        secret = base64.b64decode(
            settings.personal_data_key.get_secret_value(), validate=True
        )
    except binascii.Error:
        raise ValueError("personal_data_key must be base64 of 32 bytes") from None
    return PersonalDataCipher(secret)


def _cipher(request: Request) -> PersonalDataCipher:
    cipher: PersonalDataCipher = request.app.state.personal_data_cipher
    return cipher


CipherDep = Annotated[PersonalDataCipher, Depends(_cipher)]
