from __future__ import annotations

from shared.errors import NotFound


class TrainingNotFound(NotFound):
    type_slug = "training-not-found"
    title = "Training not found"
