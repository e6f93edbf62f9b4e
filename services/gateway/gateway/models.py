"""Every table of the gateway, so that ``Base.metadata`` is complete."""

from gateway.db import Base
from gateway.identity.models import Client, LoginFailure, RefreshToken, User

__all__ = ["Base", "Client", "LoginFailure", "RefreshToken", "User"]
