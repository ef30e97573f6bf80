"""``kedro run --env docker``: the same pipeline, training in the built image via local mode."""

import json
import os
import signal
import socketserver
import threading

import pytest

from tests.processes import containers_of_test
from tests.support import (
    TRAIN_NODE_ONLY,
    TRAINING_STARTED,
    kedro,
    read_until,
    start_kedro,
    write_big_channel,
)

pytestmark = pytest.mark.docker


class _RecordingProxy(socketserver.ThreadingTCPServer):
    """A proxy that forwards nothing and remembers every request line it was sent."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        self.requests: list[str] = []
        recorded = self.requests

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                recorded.append(self.rfile.readline().decode(errors="replace").strip())

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def egress_recorder():
    proxy = _RecordingProxy()
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    yield proxy
    proxy.shutdown()
    proxy.server_close()


def test_docker_env_trains_in_the_image_with_the_local_runs_r2(
    project, image, egress_recorder, tmp_path
):
    local = kedro(project, "run")
    assert local.returncode == 0, local.stdout + local.stderr
    local_metrics = json.loads((project / "data/08_reporting/metrics.json").read_text())

    proxy = f"http://127.0.0.1:{egress_recorder.server_address[1]}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
        "HTTP_PROXY": proxy,
        "HTTPS_PROXY": proxy,
        "http_proxy": proxy,
        "https_proxy": proxy,
        "NO_PROXY": "",
        "no_proxy": "",
        # A laptop has no instance metadata service; don't wait for one.
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    in_image = kedro(
        project,
        "run",
        "--env",
        "docker",
        "--from-nodes",
        "train_model_node",
        "--params",
        f"training.estimator.image_uri={image}",
        env=env,
    )

    assert in_image.returncode == 0, in_image.stdout + in_image.stderr
    job = json.loads((project / "data/06_models/training_job.json").read_text())
    assert job["job_name"].startswith("spaceflights-docker-")
    assert job["training_image"] == image
    assert job["model_artifact"].startswith("file://") and job["model_artifact"].endswith(
        "model.tar.gz"
    )
    metrics = json.loads((project / "data/08_reporting/metrics.json").read_text())
    assert metrics == pytest.approx(local_metrics, rel=1e-9)
    assert egress_recorder.requests == [], "the docker environment must not contact AWS"


def test_sigterm_on_a_docker_env_run_stops_its_container(project, image, features, tmp_path, spawn):
    write_big_channel(project / "data/05_model_input/train", features)
    run = start_kedro(
        spawn,
        project,
        "--env",
        "docker",
        *TRAIN_NODE_ONLY,
        "--params",
        f"training.estimator.image_uri={image}",
        tmpdir=tmp_path / "tmp",
    )
    read_until(run, TRAINING_STARTED)

    run.send_signal(signal.SIGTERM)
    output = run.communicate(timeout=300)[0]

    assert run.returncode != 0
    flat = " ".join(output.split())
    assert "was interrupted before it finished; no model was made" in flat, flat[-3000:]
    # Its job folder is under the run's tmpdir; the image alone could be another test's.
    assert containers_of_test(tmp_path / "tmp", running_only=True) == []
    assert not (project / "data/06_models/training_job.json").exists()


def test_a_bare_estimator_in_sdk_local_mode_trains_with_the_image_defaults(
    image, channel_dir, tmp_path, features
):
    """Any client, not only our node: the SDK's own local mode, no hyperparameters at all."""
    import boto3
    from kedro_sagemaker_byoc.artifacts import read_model_files
    from sagemaker.estimator import Estimator
    from sagemaker.local import LocalSession

    from linear_regression.adapter import LinearRegressionAdapter

    estimator = Estimator(
        image_uri=image,
        role="arn:aws:iam::000000000000:role/local-mode-unused",
        instance_count=1,
        instance_type="local",
        output_path=(tmp_path / "jobs").as_uri(),
        sagemaker_session=LocalSession(boto_session=boto3.Session(region_name="us-east-1")),
    )

    estimator.fit({"train": channel_dir.as_uri()}, logs=False)

    files = read_model_files(estimator.model_data)
    model = LinearRegressionAdapter().load(files, estimator.model_data)
    assert model["features"] == features  # the default: every column of X_train.parquet
