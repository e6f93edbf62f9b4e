from __future__ import annotations

from shared.errors import NotFound


class SupervisorNotFound(NotFound):
    type_slug = "social-supervisor-not-found"
    title = "Social supervisor not found"
