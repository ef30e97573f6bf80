"""The SageMaker training contract: every path and variable name the entry point reads.

SageMaker (and the training toolkit) tell the entry point where things are through
``SM_*`` environment variables; the defaults are the paths inside a real training
container, so the entry point also runs when started by hand in the image.

A caller of ``docker run`` may set ``SM_CHANNEL_<NAME>``, ``SM_MODEL_DIR`` and
``SM_OUTPUT_DATA_DIR`` itself. The toolkit resets them to its own paths, so the image's
supervisor keeps the caller's values in ``CALLER_PATHS_ENV`` and they win here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ML_ROOT = Path("/opt/ml")
# The job folder's layout, relative to ML_ROOT (or SAGEMAKER_BASE_DIR outside SageMaker).
CONFIG_DIR = Path("input/config")
DATA_DIR = Path("input/data")
MODEL_DIR = Path("model")
OUTPUT_DIR = Path("output")
OUTPUT_DATA_DIR = Path("output/data")
CODE_DIR = Path("code")
RESOURCE_CONFIG = "resourceconfig.json"
HYPERPARAMETERS_FILE = "hyperparameters.json"
# The entry point in CODE_DIR: the Dockerfile's SAGEMAKER_PROGRAM (a test keeps them in step).
PROGRAM = "train.py"
PROGRAM_ENV = "SAGEMAKER_PROGRAM"
# Where the image keeps its own copy of the entry point, for when a mount hides CODE_DIR.
PROGRAM_HOME_ENV = "TRAINING_PROGRAM_HOME"
TRAIN_CHANNEL = "train"
# A tabular channel (``channel``): features and target, each a parquet file or folder of parts.
FEATURES_FILE = "X_train.parquet"
TARGET_FILE = "y_train.parquet"
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
OUTPUT_DATA_DIR_ENV = "SM_OUTPUT_DATA_DIR"
CHANNEL_ENV_PREFIX = "SM_CHANNEL_"
# The caller's own SM_* paths, as JSON, kept by the supervisor past the toolkit.
CALLER_PATHS_ENV = "TRAINING_CONTRACT_CALLER_PATHS"
# Names of files in model/ that are not the model: the contract's own staging folder.
STAGING_PREFIX = "."
STAGING_DIR = f"{STAGING_PREFIX}partial-model"


def caller_paths(environ: Mapping[str, str]) -> dict[str, str]:
    """The ``SM_CHANNEL_*``, ``SM_MODEL_DIR`` and ``SM_OUTPUT_DATA_DIR`` a caller set."""
    return {
        name: value
        for name, value in environ.items()
        if name.startswith(CHANNEL_ENV_PREFIX) or name in (MODEL_DIR_ENV, OUTPUT_DATA_DIR_ENV)
    }


@dataclass(frozen=True)
class TrainingEnvironment:
    """Where the entry point reads its channels and writes the model and failure reason."""

    root: Path
    model_dir: Path
    output_dir: Path
    output_data_dir: Path
    channel_dirs: Mapping[str, Path] = field(default_factory=dict)

    def channel_dir(self, name: str = TRAIN_CHANNEL) -> Path:
        """The folder of channel ``name``: the caller's ``SM_CHANNEL_<NAME>``, else the job's."""
        return self.channel_dirs.get(name, self.root / DATA_DIR / name)

    def model_written(self) -> bool:
        """Success means model/ holds something besides the contract's staging folder."""
        if not self.model_dir.is_dir():
            return False
        return any(not p.name.startswith(STAGING_PREFIX) for p in self.model_dir.iterdir())

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> TrainingEnvironment:
        """Read the contract from ``environ`` (``os.environ`` by default)."""
        env = dict(os.environ if environ is None else environ)
        # The caller's paths (kept by the supervisor) win over those the toolkit set.
        env.update(json.loads(env.get(CALLER_PATHS_ENV) or "{}"))
        root = job_root(env)
        return cls(
            root=root,
            model_dir=Path(env.get(MODEL_DIR_ENV, root / MODEL_DIR)),
            output_dir=Path(env.get(OUTPUT_DIR_ENV, root / OUTPUT_DIR)),
            output_data_dir=Path(env.get(OUTPUT_DATA_DIR_ENV, root / OUTPUT_DATA_DIR)),
            channel_dirs={
                name.removeprefix(CHANNEL_ENV_PREFIX).lower(): Path(value)
                for name, value in env.items()
                if name.startswith(CHANNEL_ENV_PREFIX)
            },
        )


def job_root(environ: Mapping[str, str] | None = None) -> Path:
    """The job folder: /opt/ml in a container, ``SAGEMAKER_BASE_DIR`` outside one."""
    env = os.environ if environ is None else environ
    return Path(env.get(BASE_DIR_ENV, ML_ROOT))
