"""Paths, data makers and Docker helpers shared by the tests."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
PROJECT_DIR = REPO_ROOT / "kedro_project"
ENTRY_POINT = REPO_ROOT / "container" / "train.py"


def make_training_frames(features: list[str], rows: int = 200) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Numeric features and a price that is a known linear function of them plus noise."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame({name: rng.integers(0, 10, rows).astype(float) for name in features})
    weights = np.arange(1, len(features) + 1, dtype=float) * 10
    price = X.to_numpy() @ weights + 100 + rng.normal(0, 1, rows)
    return X, pd.DataFrame({"price": price})


@functools.cache
def docker_available() -> bool:
    """Whether a Docker engine answers here."""
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, check=False).returncode == 0
