"""The SageMaker training contract: every path and variable name the entry point reads.

SageMaker (and the training toolkit) tell the entry point where things are through
``SM_*`` environment variables; the defaults are the paths inside a real training
container, so the entry point also runs when started by hand in the image.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ML_ROOT = Path("/opt/ml")
# The job folder's layout, relative to ML_ROOT (or SAGEMAKER_BASE_DIR outside SageMaker).
CONFIG_DIR = Path("input/config")
DATA_DIR = Path("input/data")
MODEL_DIR = Path("model")
OUTPUT_DIR = Path("output")
CODE_DIR = Path("code")
# The entry point in CODE_DIR: the Dockerfile's SAGEMAKER_PROGRAM (a test keeps them in step).
PROGRAM = "train.py"
TRAIN_CHANNEL = "train"
FEATURES_FILE = "X_train.parquet"
TARGET_FILE = "y_train.parquet"
MODEL_FILE = "model.json"
# What SageMaker packs model/ into and uploads to the job's output path.
MODEL_ARCHIVE = "model.tar.gz"
# Hosts are algo-1, algo-2, ...; a one-host job runs on algo-1.
HOST_PREFIX = "algo-"
HOST = f"{HOST_PREFIX}1"
FAILURE_FILE = "failure"
# The toolkit writes this one when the entry point exits 0.
SUCCESS_FILE = "success"
# The toolkit's command that SageMaker runs: `docker run IMAGE train`.
TOOLKIT_COMMAND = "train"
# Outside a SageMaker container the toolkit reads the job folder from here instead of ML_ROOT.
BASE_DIR_ENV = "SAGEMAKER_BASE_DIR"

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
    def model_file(self) -> Path:
        return self.model_dir / MODEL_FILE

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> TrainingEnvironment:
        """Read the contract from ``environ`` (``os.environ`` by default)."""
        env = os.environ if environ is None else environ
        root = job_root(env)
        channel_env = CHANNEL_ENV_PREFIX + TRAIN_CHANNEL.upper()
        return cls(
            channel_dir=Path(env.get(channel_env, root / DATA_DIR / TRAIN_CHANNEL)),
            model_dir=Path(env.get(MODEL_DIR_ENV, root / MODEL_DIR)),
            output_dir=Path(env.get(OUTPUT_DIR_ENV, root / OUTPUT_DIR)),
        )


def job_root(environ: Mapping[str, str] | None = None) -> Path:
    """The job folder: /opt/ml in a container, ``SAGEMAKER_BASE_DIR`` outside one."""
    env = os.environ if environ is None else environ
    return Path(env.get(BASE_DIR_ENV, ML_ROOT))
