from __future__ import annotations

from shared.errors import NotFound


class MediatorNotFound(NotFound):
    type_slug = "mediator-not-found"
    title = "Mediator not found"
