"""The applicant's personal data on an application: stored encrypted with a keyed hash,
shown masked unless the caller has ``reconsideration:pii`` (domain.md §8)."""

from __future__ import annotations

from reconsideration.applications.models import ReconsiderationApplication
from reconsideration.applications.schemas import ApplicationCreate, ApplicationRead
from reconsideration.audit.service import MASKS
from shared.auth import Principal
from shared.personal_data import PersonalDataCipher

#: The personal-data fields of an application, each stored as ``<field>_encrypted`` and
#: ``<field>_hash``.
FIELDS = ("applicant_id_number", "applicant_credit_code", "applicant_phone")
PII_SCOPE = "reconsideration:pii"


def store(
    application: ReconsiderationApplication,
    payload: ApplicationCreate,
    cipher: PersonalDataCipher,
) -> None:
    """Set the encrypted and hash columns of every personal-data field ``payload`` gives."""
    for field in FIELDS:
        value: str | None = getattr(payload, field)
        if value is not None:
            setattr(application, f"{field}_encrypted", cipher.encrypt(value))
            setattr(application, f"{field}_hash", cipher.search_hash(value))


def to_read(
    application: ReconsiderationApplication,
    cipher: PersonalDataCipher,
    principal: Principal,
) -> tuple[ApplicationRead, list[str]]:
    """The application as ``principal`` may see it, and the fields shown in full (to audit)."""
    full = principal.has(PII_SCOPE)
    shown: dict[str, str] = {}
    for field in FIELDS:
        token: str | None = getattr(application, f"{field}_encrypted")
        if token is not None:
            value = cipher.decrypt(token)
            shown[field] = value if full else MASKS[field](value)
    read = ApplicationRead.model_validate(application).model_copy(update=shown)
    return read, sorted(shown) if full else []
