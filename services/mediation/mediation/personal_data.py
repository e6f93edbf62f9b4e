"""The service's personal-data cipher (domain.md §8): built once per app from settings."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import Depends, Request

from mediation.config import Settings
from shared.personal_data import PersonalDataCipher, load_or_create_key

#: The permission that shows personal data in full (docs/auth.md).
PII_SCOPE = "mediation:pii"


def build_cipher(settings: Settings) -> PersonalDataCipher:
    """The cipher under ``personal_data_key``, or the key file in the data directory."""
    if settings.personal_data_key is not None:
        try:
            secret = base64.b64decode(
                settings.personal_data_key.get_secret_value(), validate=True
            )
        except (binascii.Error, ValueError):
            raise ValueError("personal_data_key must be base64 of 32 bytes") from None
    else:
        secret = load_or_create_key(
            settings.data_dir / f"{settings.service_name}-personal-data.key"
        )
    return PersonalDataCipher(secret)


def _cipher(request: Request) -> PersonalDataCipher:
    cipher: PersonalDataCipher = request.app.state.personal_data_cipher
    return cipher


CipherDep = Annotated[PersonalDataCipher, Depends(_cipher)]
