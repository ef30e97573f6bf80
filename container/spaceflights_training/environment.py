"""The SageMaker training contract: every path and variable name the entry point reads.

SageMaker (and the training toolkit) tell the entry point where things are through
``SM_*`` environment variables; the defaults are the paths inside a real training
container, so the entry point also runs when started by hand in the image.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ML_ROOT = Path("/opt/ml")
# The job folder's layout, relative to ML_ROOT (or SAGEMAKER_BASE_DIR outside SageMaker).
CONFIG_DIR = Path("input/config")
DATA_DIR = Path("input/data")
MODEL_DIR = Path("model")
OUTPUT_DIR = Path("output")
CODE_DIR = Path("code")
TRAIN_CHANNEL = "train"
FEATURES_FILE = "X_train.parquet"
TARGET_FILE = "y_train.parquet"
MODEL_FILE = "model.json"
FAILURE_FILE = "failure"

MODEL_DIR_ENV = "SM_MODEL_DIR"
OUTPUT_DIR_ENV = "SM_OUTPUT_DIR"
CHANNEL_ENV_PREFIX = "SM_CHANNEL_"


@dataclass(frozen=True)
class TrainingEnvironment:
    """Where the entry point reads its channel and writes the model and failure reason."""

    channel_dir: Path
    model_dir: Path
    output_dir: Path

    @property
    def failure_file(self) -> Path:
        return self.output_dir / FAILURE_FILE

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> TrainingEnvironment:
        """Read the contract from ``environ`` (``os.environ`` by default)."""
        env = os.environ if environ is None else environ
        channel_env = CHANNEL_ENV_PREFIX + TRAIN_CHANNEL.upper()
        return cls(
            channel_dir=Path(env.get(channel_env, ML_ROOT / DATA_DIR / TRAIN_CHANNEL)),
            model_dir=Path(env.get(MODEL_DIR_ENV, ML_ROOT / MODEL_DIR)),
            output_dir=Path(env.get(OUTPUT_DIR_ENV, ML_ROOT / OUTPUT_DIR)),
        )
