from __future__ import annotations

from shared.errors import NotFound


class LenientItemNotFound(NotFound):
    type_slug = "lenient-item-not-found"
    title = "Lenient enforcement list item not found"
