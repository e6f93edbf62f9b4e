from __future__ import annotations

from shared.errors import NotFound


class CollectiveDiscussionNotFound(NotFound):
    type_slug = "collective-discussion-not-found"
    title = "Collective discussion not found"
