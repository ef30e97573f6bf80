"""What the SDK v3 tests share."""

from __future__ import annotations

import sys
from pathlib import Path

V3_CLASS = "kedro_sagemaker_byoc.backends.model_trainer.ModelTrainerEstimator"


def kedro_command(*args: str) -> list[str]:
    """This venv's ``kedro`` with ``args``."""
    return [str(Path(sys.executable).parent / "kedro"), *args]
