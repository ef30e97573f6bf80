"""The XGBoost regressor's image: it builds, and trains as SageMaker runs it.

Built once per session with the project's one build command (``--model
models/xgboost_regressor``) under a tag only this checkout uses; jobs run as SageMaker
runs them: ``docker run IMAGE train`` with ``input/``, ``model/`` and ``output/`` mounted
under /opt/ml, hostname algo-1, no network.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
import xgboost as xgb

from tests.support import CHECKOUT_ID, REPO_ROOT
from training_contract.hyperparameters import to_sagemaker
from training_contract.job_folder import HOST, write_job_folder
from xgboost_regressor.adapter import XGBoostRegressorAdapter
from xgboost_regressor.artifact import MODEL_FILE

from .conftest import make_frames, write_channel

pytestmark = pytest.mark.docker

MODEL = "models/xgboost_regressor"
IMAGE = f"training-xgboost-regressor:test-{CHECKOUT_ID}"


@pytest.fixture(scope="module")
def image() -> str:
    build = subprocess.run(
        [str(REPO_ROOT / "scripts" / "build_image.sh"), "--model", MODEL, "--tag", IMAGE],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-4000:]
    return IMAGE


def run_train(image: str, job: Path) -> subprocess.CompletedProcess:
    """``docker run IMAGE train`` on the job folder, as SageMaker starts a training job."""
    mounts = [f"--volume={job / name}:/opt/ml/{name}" for name in ("input", "model", "output")]
    return subprocess.run(
        [
            "docker",
            "run",
            "--rm",
            "--network=none",
            f"--hostname={HOST}",
            f"--add-host={HOST}:127.0.0.1",
            *mounts,
            image,
            "train",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def lay_out_job(job: Path, hyperparameters: dict) -> Path:
    write_job_folder(job, to_sagemaker(hyperparameters), ["train"])
    write_channel(job / "input" / "data" / "train", *make_frames())
    return job


def test_trains_as_sagemaker_runs_it_and_the_adapter_reads_the_model(image: str, tmp_path: Path):
    job = lay_out_job(tmp_path / "job", {"num_boost_round": 25, "max_depth": 3, "eta": 0.2})

    run = run_train(image, job)

    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "metric train_r2=" in run.stdout
    assert sorted(p.name for p in (job / "model").iterdir()) == [MODEL_FILE]
    assert (job / "output" / "success").exists()
    raw = (job / "model" / MODEL_FILE).read_bytes()
    adapter = XGBoostRegressorAdapter()
    X, y = make_frames(rows=100, seed=5)
    predicted = adapter.predict(adapter.load({MODEL_FILE: raw}, "the image's model/"), X)
    own = xgb.Booster(model_file=str(job / "model" / MODEL_FILE)).predict(xgb.DMatrix(X))
    assert np.array_equal(predicted, own.astype(np.float64))
    assert adapter.metrics(y["price"].to_numpy(), predicted)["r2"] > 0.9


def test_a_malformed_hyperparameter_ends_the_job_with_one_sentence(image: str, tmp_path: Path):
    job = lay_out_job(tmp_path / "job", {"max_depth": "deep"})

    run = run_train(image, job)

    assert run.returncode == 1, run.stdout[-3000:] + run.stderr[-3000:]
    failure = (job / "output" / "failure").read_text().strip()
    assert failure == (
        "Hyperparameter 'max_depth' must be a whole number, got 'deep'; pass a whole number "
        "such as 6."
    )
    assert list((job / "model").iterdir()) == []


def inside(image: str, *command: str) -> str:
    """What ``command`` prints in the image, past its entry point."""
    return subprocess.run(
        [
            "docker",
            "run",
            "--rm",
            "--network=none",
            "--entrypoint",
            command[0],
            image,
            *command[1:],
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout


def test_the_image_holds_its_pins_and_records_its_check(image: str):
    record = json.loads(inside(image, "cat", "/opt/training/image-check.json"))
    listed = json.loads(inside(image, "python", "-m", "pip", "list", "--format=json"))
    installed = {item["name"].lower().replace("_", "-"): item["version"] for item in listed}

    assert record["model"] == "xgboost-regressor" and record["imports"] == "ok"
    assert installed["xgboost-cpu"] == "3.2.0"
    assert not {"pandas", "scikit-learn", "kedro", "sagemaker", "xgboost"} & set(installed)
    pins = (REPO_ROOT / MODEL / "requirements.txt").read_text().splitlines()
    pinned = dict(line.lower().replace("_", "-").split("==") for line in pins if "==" in line)
    assert installed == pinned
