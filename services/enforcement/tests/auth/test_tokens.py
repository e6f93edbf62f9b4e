"""Every operation of the service needs a valid token with the right permission (docs/auth.md)."""

from shared.testing import AuthContract


class TestAuth(AuthContract):
    collection = "/api/v1/enforcement-agencies"
    other_service = "mediation"
