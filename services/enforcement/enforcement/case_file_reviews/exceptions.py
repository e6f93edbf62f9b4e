from __future__ import annotations

from shared.errors import Conflict, NotFound


class ReviewNotFound(NotFound):
    type_slug = "case-file-review-not-found"
    title = "Case-file review not found"


class ReviewAlreadyExists(Conflict):
    type_slug = "case-file-review-already-exists"
    title = "This case file has already been reviewed"
