"""The enforcement service's personal-data cipher (domain.md §8): built once per app
from ``Settings.personal_data_key`` (base64 of 32 bytes), else from the key file
``<data_dir>/enforcement-personal-data.key`` (created on first use)."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import Depends, Request

from enforcement.config import Settings
from shared.personal_data import PersonalDataCipher, load_or_create_key

PII_SCOPE = "enforcement:pii"


def cipher_from(settings: Settings) -> PersonalDataCipher:
    if settings.personal_data_key is not None:
        key = base64.b64decode(settings.personal_data_key.get_secret_value())
    else:
        key = load_or_create_key(
            settings.data_dir / f"{settings.service_name}-personal-data.key"
        )
    return PersonalDataCipher(key)


def personal_data_cipher(request: Request) -> PersonalDataCipher:
    """The app's cipher, built on first use (an app that never meets personal data
    never creates a key file)."""
    state = request.app.state
    cipher: PersonalDataCipher | None = getattr(state, "personal_data_cipher", None)
    if cipher is None:
        cipher = state.personal_data_cipher = cipher_from(state.settings)
    return cipher


CipherDep = Annotated[PersonalDataCipher, Depends(personal_data_cipher)]
