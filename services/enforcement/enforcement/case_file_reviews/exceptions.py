from __future__ import annotations

from shared.errors import NotFound


class ReviewNotFound(NotFound):
    type_slug = "case-file-review-not-found"
    title = "Case-file review not found"
