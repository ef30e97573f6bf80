"""Small channels and a trained model for the XGBoost regressor's tests.

Standalone on purpose: nothing here imports the repository's other test helpers, so these
tests run on the model package, the contract and xgboost alone.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from training_contract import trainer
from training_contract.job_folder import write_job_folder
from xgboost_regressor.artifact import MODEL_FILE
from xgboost_regressor.model import MODEL

FEATURES = ["engines", "passenger_capacity", "crew", "company_rating"]
ROWS = 400


def make_frames(rows: int = ROWS, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Features and a price with a nonlinear part (trees must find it) plus noise."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({name: rng.integers(0, 10, rows).astype(float) for name in FEATURES})
    price = 50 * X["engines"] + 5 * X["crew"] ** 2 + 100 * (X["company_rating"] > 6)
    return X, pd.DataFrame({"price": price + rng.normal(0, 5, rows)})


def write_channel(folder: Path, X: pd.DataFrame, y: pd.DataFrame) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    X.to_parquet(folder / "X_train.parquet", index=False)
    y.to_parquet(folder / "y_train.parquet", index=False)
    return folder


def run_job(job: Path, *argv: str) -> int:
    """The entry point's ``trainer.main`` on ``job``, as the toolkit starts it."""
    return trainer.main(MODEL, list(argv), {"SAGEMAKER_BASE_DIR": str(job)})


@pytest.fixture
def job(tmp_path: Path) -> Path:
    """A SageMaker-shaped job folder whose train channel holds ``make_frames()``."""
    job = write_job_folder(tmp_path / "job", {}, ["train"])
    write_channel(job / "input/data/train", *make_frames())
    return job


@pytest.fixture(scope="module")
def model_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a ``model.ubj`` trained through the contract (made once per module)."""
    job = write_job_folder(tmp_path_factory.mktemp("trained") / "job", {}, ["train"])
    write_channel(job / "input/data/train", *make_frames())
    assert run_job(job, "--num_boost_round", "20", "--max_depth", "3") == 0
    return (job / "model" / MODEL_FILE).read_bytes()
