"""Cross-service tests: the launcher in deploy/local is importable as `stack`."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "deploy" / "local"))
