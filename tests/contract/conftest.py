"""The contract's tests know no real model and no client: their own column names, and the
tiny model (``tiny_model``) where a model is needed."""

from __future__ import annotations

import pytest


@pytest.fixture
def features() -> list[str]:
    """Feature columns of the contract tests' channels (``channel_dir`` writes them)."""
    return ["width", "height", "depth", "weight"]
