"""``kedro run --env docker_v3``: the image through SDK v3's ``Mode.LOCAL_CONTAINER``, as
``--env docker`` runs it through v2's local mode (tests/kedro_project/test_docker_env.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading

import pytest
from kedro_sagemaker_byoc import jobs

from tests.kedro_project.test_docker_env import _RecordingProxy
from tests.support import (
    TRAIN_NODE_ONLY,
    TRAINING_STARTED,
    kedro,
    make_training_frames,
    read_until,
    start_kedro,
    write_big_channel,
)
from tests_v3.support import V3_CLASS
from training_contract import channel, hyperparameters
from training_contract.errors import TrainingInputError

pytestmark = pytest.mark.docker


@pytest.fixture
def egress_recorder():
    proxy = _RecordingProxy()
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    yield proxy
    proxy.shutdown()
    proxy.server_close()


def project_entries(project) -> set[str]:
    return {p.name for p in project.iterdir()}


def test_local_container_mode_trains_in_the_image_with_the_local_runs_r2(
    project, image, egress_recorder, model_options, tmp_path
):
    local = kedro(project, "run")
    assert local.returncode == 0, local.stdout + local.stderr
    local_metrics = json.loads((project / "data/08_reporting/metrics.json").read_text())
    before = project_entries(project)
    proxy = f"http://127.0.0.1:{egress_recorder.server_address[1]}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
        **{name: proxy for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")},
        "NO_PROXY": "",
        "no_proxy": "",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }

    in_image = kedro(
        project,
        "run",
        "--env",
        "docker_v3",
        "--from-nodes",
        "train_model_node",
        "--params",
        f"training.estimator.image_uri={image}",
        env=env,
    )

    output = in_image.stdout + in_image.stderr
    assert in_image.returncode == 0, output[-4000:]
    job = json.loads((project / "data/06_models/training_job.json").read_text())
    assert job["job_name"].startswith("spaceflights-docker-")
    archive = project / "data/06_models/training-jobs" / job["job_name"] / "output/model.tar.gz"
    assert job["model_artifact"] == archive.resolve().as_uri() and archive.is_file()
    metrics = json.loads((project / "data/08_reporting/metrics.json").read_text())
    assert metrics == pytest.approx(local_metrics, rel=1e-9)
    # ModelTrainer ran in a root of its own: nothing was added to (or deleted from) the
    # project folder, where it would otherwise delete input/ and shared/.
    assert project_entries(project) == before
    # The entry point got the arguments the toolkit builds from the node's hyperparameters.
    stored = hyperparameters.to_sagemaker(
        {"features": model_options["features"], **model_options["hyperparameters"]}
    )
    assert "train.py " + " ".join(hyperparameters.to_args(stored)) in output
    assert egress_recorder.requests == [], "local container mode must not contact AWS"


def test_sigterm_stops_the_container_and_leaves_no_job_folder(
    project, image, features, tmp_path, spawn
):
    write_big_channel(project / "data/05_model_input/train", features)
    tmpdir = tmp_path / "tmp"
    run = start_kedro(
        spawn,
        project,
        "--env",
        "docker_v3",
        *TRAIN_NODE_ONLY,
        "--params",
        f"training.estimator.image_uri={image}",
        tmpdir=tmpdir,
    )
    read_until(run, TRAINING_STARTED)

    run.send_signal(signal.SIGTERM)
    output = run.communicate(timeout=300)[0]

    assert run.returncode != 0
    flat = " ".join(output.split())
    assert "was interrupted before it finished; no model was made" in flat, flat[-3000:]
    running = subprocess.run(
        ["docker", "ps", "--quiet", "--filter", f"ancestor={image}"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert running.stdout.strip() == ""
    assert list(tmpdir.iterdir()) == []  # the job's temporary root is gone
    assert not (project / "data/06_models/training_job.json").exists()


def test_a_failed_job_raises_with_the_entry_points_sentence(image, features, tmp_path):
    X, y = make_training_frames(features)
    X = X.drop(columns=[features[0]])
    with pytest.raises(TrainingInputError) as expected:
        channel.validate_training_data(X, y, features)
    bad = tmp_path / "channel"
    bad.mkdir()
    X.to_parquet(bad / "X_train.parquet")
    y.to_parquet(bad / "y_train.parquet")
    stored = hyperparameters.to_sagemaker(
        {"features": features, "fit_intercept": True, "positive": False}
    )
    spec = {
        "class": V3_CLASS,
        "image_uri": image,
        "instance_type": "local",
        "output_path": str(tmp_path / "jobs"),
    }
    estimator = jobs.make_estimator(spec, stored)
    job_name = jobs.unique_job_name("spaceflights-v3-local-failing")

    with pytest.raises(jobs.TrainingJobError) as raised:
        jobs.run_training_job(estimator, {"train": str(bad)}, job_name)

    assert str(raised.value) == (
        f"Training job {job_name} ended Failed: {expected.value} (logs: the training log "
        "printed above)."
    )
    assert not (tmp_path / "jobs").exists()
