"""A local AWS for tests: moto's server on 127.0.0.1, and a stand-in for SageMaker's work.

moto accepts CreateTrainingJob and reports the job Completed at once without running
anything. ``play_sagemaker`` does what SageMaker would have done: it reads the job's
channel back from S3, runs the real entry point through the toolkit on it, and uploads
``model.tar.gz`` where DescribeTrainingJob says the model is.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from urllib.parse import urlparse

import boto3
import pytest
from moto.sagemaker.models import FakeTrainingJob, sagemaker_backends
from moto.sagemaker.responses import SageMakerResponse
from moto.server import ThreadedMotoServer

from spaceflights.training.local_estimator import LocalToolkitEstimator
from tests.support import ENTRY_POINT

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
BUCKET = "spaceflights-test"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/spaceflights-training"


@pytest.fixture(scope="session")
def moto_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_env(moto_endpoint, tmp_path, monkeypatch) -> dict[str, str]:
    """Environment for a process that must talk to the local AWS and nothing else."""
    settings = {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    # The server lives for the session, but every test starts with no training jobs: a job
    # left by one test would otherwise be reused by the next (same image, data, settings).
    sagemaker_backends[ACCOUNT][REGION].reset()
    return {**os.environ, **settings}


@pytest.fixture
def bucket(aws_env) -> str:
    s3 = boto3.client("s3")
    if BUCKET not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=BUCKET)
    return BUCKET


@pytest.fixture
def create_training_job_requests(monkeypatch) -> list[dict]:
    """The CreateTrainingJob request bodies as the server received them."""
    requests: list[dict] = []
    original = SageMakerResponse.create_training_job

    def recording(self):
        requests.append(copy.deepcopy(json.loads(self.body)))
        return original(self)

    monkeypatch.setattr(SageMakerResponse, "create_training_job", recording)
    return requests


@pytest.fixture
def failing_training_jobs(monkeypatch) -> str:
    """Make every new job end Failed, as a real job whose container crashed would."""
    reason = "AlgorithmError: Training channel 'train' is missing."
    original = FakeTrainingJob.__init__

    def failing(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.training_job_status = "Failed"
        self.secondary_status = "Failed"
        self.failure_reason = reason

    monkeypatch.setattr(FakeTrainingJob, "__init__", failing)
    return reason


@pytest.fixture
def running_training_jobs(monkeypatch) -> None:
    """Make every new job stay InProgress until ``finish_training_job`` ends it."""
    original = FakeTrainingJob.__init__

    def running(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.training_job_status = "InProgress"
        self.secondary_status = "Training"

    monkeypatch.setattr(FakeTrainingJob, "__init__", running)


def finish_training_job(job_name: str, billable_seconds: int) -> None:
    """End a job Completed as SageMaker would, with its billable time."""
    job = sagemaker_backends[ACCOUNT][REGION].training_jobs[job_name]
    job.billable_time_in_seconds = billable_seconds
    job.training_job_status = job.secondary_status = "Completed"


def play_sagemaker(job_name: str, workdir: Path) -> str:
    """Run the job's training for real and upload its model; return the model's S3 URI."""
    job = boto3.client("sagemaker").describe_training_job(TrainingJobName=job_name)
    s3 = boto3.client("s3")
    channel = workdir / "channel"
    channel.mkdir(parents=True)
    source = urlparse(job["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"])
    prefix = source.path.lstrip("/").rstrip("/") + "/"
    for item in s3.list_objects_v2(Bucket=source.netloc, Prefix=prefix)["Contents"]:
        s3.download_file(source.netloc, item["Key"], str(channel / Path(item["Key"]).name))

    hyperparameters = job["HyperParameters"]
    estimator = LocalToolkitEstimator(str(ENTRY_POINT), str(workdir / "jobs"), hyperparameters)
    estimator.fit({"train": str(channel)}, job_name=job_name, logs=False)
    result = estimator.latest_training_job.describe()
    assert result["TrainingJobStatus"] == "Completed", result

    model_uri = job["ModelArtifacts"]["S3ModelArtifacts"]
    target = urlparse(model_uri)
    s3.upload_file(
        urlparse(result["ModelArtifacts"]["S3ModelArtifacts"]).path,
        target.netloc,
        target.path.lstrip("/"),
    )
    return model_uri
