from __future__ import annotations

from shared.errors import NotFound


class RubricNotFound(NotFound):
    type_slug = "case-file-rubric-not-found"
    title = "Case-file review rubric not found"
