"""The local SageMaker (scripts/local_sagemaker) as SageMaker's API and platform behave.

API-time rejections need no Docker; the platform contract is checked by running a probe
in the real image through SageMaker's ContainerEntrypoint, so nothing here is stubbed.
"""

from __future__ import annotations

import contextlib
import io
import signal
import subprocess
import sys
import tarfile
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from tests import oci_images
from tests.local_aws import ACCOUNT, BUCKET, REGION, ROLE_ARN, log_messages, wait_for_job

pytestmark = pytest.mark.aws

# Prints what the platform gave the container, and leaves a checkpoint and a model.
PROBE = """
import json, os, pathlib, socket
print("job", os.environ["TRAINING_JOB_NAME"], "colour", os.environ["COLOUR"])
print("host", socket.gethostname(), "interfaces", sorted(n for _, n in socket.if_nameindex()))
config = pathlib.Path("/opt/ml/input/config")
print("config", sorted(p.name for p in config.iterdir()))
print("resource", json.loads((config / "resourceconfig.json").read_text())["current_instance_type"])
print("channel", sorted(p.name for p in pathlib.Path("/opt/ml/input/data/train").iterdir()))
print("resumed", sorted(p.name for p in pathlib.Path("/opt/ml/checkpoints").iterdir()))
pathlib.Path("/opt/ml/checkpoints/step-2").write_text("2")
pathlib.Path("/opt/ml/model/model.json").write_text("{}")
"""


def request(name: str, image: str, **changes: object) -> dict:
    base = {
        "TrainingJobName": name,
        "AlgorithmSpecification": {"TrainingImage": image, "TrainingInputMode": "File"},
        "RoleArn": ROLE_ARN,
        "InputDataConfig": [
            {
                "ChannelName": "train",
                "DataSource": {
                    "S3DataSource": {
                        "S3DataType": "S3Prefix",
                        "S3Uri": f"s3://{BUCKET}/spaceflights/channels/probe/",
                    }
                },
            }
        ],
        "OutputDataConfig": {"S3OutputPath": f"s3://{BUCKET}/spaceflights/training-jobs"},
        "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 1},
        "StoppingCondition": {"MaxRuntimeInSeconds": 600},
        "EnableNetworkIsolation": True,
    }
    return {**base, **changes}


MISSING_IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/spaceflights-training@sha256:" + "0" * 64


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"RoleArn": f"arn:aws:iam::{ACCOUNT}:role/no-such-role"},
            f"Could not assume role arn:aws:iam::{ACCOUNT}:role/no-such-role. Please ensure that "
            "the role exists and allows principal 'sagemaker.amazonaws.com' to assume the role.",
        ),
        (
            {"StoppingCondition": {"MaxRuntimeInSeconds": 3600, "MaxWaitTimeInSeconds": 7200}},
            "MaxWaitTimeInSeconds is only allowed with EnableManagedSpotTraining set to true.",
        ),
        (
            {
                "EnableManagedSpotTraining": True,
                "StoppingCondition": {"MaxRuntimeInSeconds": 3600, "MaxWaitTimeInSeconds": 60},
            },
            "MaxWaitTimeInSeconds (60) must be greater than or equal to "
            "MaxRuntimeInSeconds (3600).",
        ),
        (
            {"StoppingCondition": {"MaxRuntimeInSeconds": 2_419_201}},
            "MaxRuntimeInSeconds must be between 1 and 2419200; got 2419201.",
        ),
    ],
    ids=["role-not-assumable", "max-wait-without-spot", "max-wait-below-max-run", "max-run"],
)
def test_what_sagemaker_rejects_at_api_time_is_a_validation_exception(
    aws_env, execution_role, changes, message
):
    sagemaker = boto3.client("sagemaker")

    with pytest.raises(ClientError) as rejected:
        sagemaker.create_training_job(**request("spaceflights-rejected", MISSING_IMAGE, **changes))

    assert rejected.value.response["Error"]["Code"] == "ValidationException"
    assert rejected.value.response["Error"]["Message"] == message
    names = [j["TrainingJobName"] for j in sagemaker.list_training_jobs()["TrainingJobSummaries"]]
    assert "spaceflights-rejected" not in names


def test_ecr_hands_out_a_layer_the_registry_holds_and_refuses_one_it_does_not(aws_env, registry):
    ecr = boto3.client("ecr")
    with contextlib.suppress(ecr.exceptions.RepositoryAlreadyExistsException):
        ecr.create_repository(repositoryName="layers-probe")
    digest = oci_images.push_blob(registry, "layers-probe", b"a layer")

    located = ecr.get_download_url_for_layer(repositoryName="layers-probe", layerDigest=digest)
    with urllib.request.urlopen(located["downloadUrl"], timeout=10) as response:  # noqa: S310
        assert response.read() == b"a layer"
    with pytest.raises(ClientError) as missing:
        ecr.get_download_url_for_layer(
            repositoryName="layers-probe", layerDigest="sha256:" + "0" * 64
        )
    assert missing.value.response["Error"]["Code"] == "LayersNotFoundException"
    with pytest.raises(ecr.exceptions.RepositoryNotFoundException):
        ecr.get_download_url_for_layer(repositoryName="no-such-repository", layerDigest=digest)


@pytest.mark.docker
def test_an_image_not_in_the_registry_fails_the_job(aws_env, bucket, execution_role):
    sagemaker = boto3.client("sagemaker")

    sagemaker.create_training_job(**request("spaceflights-missing-image", MISSING_IMAGE))
    job = wait_for_job("spaceflights-missing-image")

    assert job["TrainingJobStatus"] == "Failed"
    assert job["FailureReason"].startswith(
        f"ClientError: Cannot find the requested image {MISSING_IMAGE}"
    )


def upload_probe_channel(bucket: str, channel_dir: Path) -> None:
    """The test channel at spaceflights/channels/probe/, where the probe jobs read it."""
    for path in channel_dir.iterdir():
        boto3.client("s3").upload_file(
            str(path), bucket, f"spaceflights/channels/probe/{path.name}"
        )


@pytest.mark.docker
def test_the_container_gets_the_platform_contract_and_checkpoints_sync(
    aws_env, bucket, execution_role, pushed_image, channel_dir
):
    upload_probe_channel(bucket, channel_dir)
    s3 = boto3.client("s3")
    checkpoints = f"s3://{bucket}/spaceflights/training-jobs/checkpoints/probe"
    s3.put_object(
        Bucket=bucket, Key="spaceflights/training-jobs/checkpoints/probe/step-1", Body=b"1"
    )
    algorithm = {
        "TrainingImage": pushed_image,
        "TrainingInputMode": "File",
        "ContainerEntrypoint": ["python3", "-c", PROBE],
    }
    boto3.client("sagemaker").create_training_job(
        **request(
            "spaceflights-probe",
            pushed_image,
            AlgorithmSpecification=algorithm,
            Environment={"COLOUR": "blue"},
            CheckpointConfig={"S3Uri": checkpoints},
        )
    )
    job = wait_for_job("spaceflights-probe")

    assert job["TrainingJobStatus"] == "Completed", job.get("FailureReason")
    lines = log_messages("spaceflights-probe")
    assert "job spaceflights-probe colour blue" in lines
    assert "host algo-1 interfaces ['lo']" in lines  # network isolation: --network none
    assert "config ['hyperparameters.json', 'inputdataconfig.json', 'resourceconfig.json']" in lines
    assert "resource ml.m5.large" in lines
    assert "channel ['X_train.parquet', 'y_train.parquet']" in lines
    assert "resumed ['step-1']" in lines
    synced = s3.list_objects_v2(
        Bucket=bucket, Prefix="spaceflights/training-jobs/checkpoints/probe/"
    )
    assert sorted(o["Key"].rsplit("/", 1)[1] for o in synced["Contents"]) == ["step-1", "step-2"]
    model_key = "spaceflights/training-jobs/spaceflights-probe/output/model.tar.gz"
    assert job["ModelArtifacts"]["S3ModelArtifacts"] == f"s3://{bucket}/{model_key}"
    archive = s3.get_object(Bucket=bucket, Key=model_key)["Body"].read()
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        assert tar.getnames() == ["model.json"]


# Exits on SIGTERM after saying so, as an image that saves its state on a stop would.
ON_SIGTERM = """
import signal, sys, time
def stopped(*_):
    print("got SIGTERM", flush=True)
    sys.exit(1)
signal.signal(signal.SIGTERM, stopped)
print("busy", flush=True)
time.sleep(300)
"""


@pytest.mark.docker
def test_stop_training_job_sends_sigterm_and_the_job_ends_stopped(
    aws_env, bucket, execution_role, pushed_image, channel_dir
):
    upload_probe_channel(bucket, channel_dir)
    algorithm = {
        "TrainingImage": pushed_image,
        "TrainingInputMode": "File",
        "ContainerEntrypoint": ["python3", "-c", ON_SIGTERM],
    }
    sagemaker = boto3.client("sagemaker")
    sagemaker.create_training_job(
        **request("spaceflights-stop", pushed_image, AlgorithmSpecification=algorithm)
    )
    for _ in range(600):
        if "busy" in log_messages("spaceflights-stop"):
            break
        time.sleep(0.5)
    assert (
        sagemaker.describe_training_job(TrainingJobName="spaceflights-stop")["TrainingJobStatus"]
        == "InProgress"
    )

    sagemaker.stop_training_job(TrainingJobName="spaceflights-stop")
    job = wait_for_job("spaceflights-stop")

    assert (job["TrainingJobStatus"], job["SecondaryStatus"]) == ("Stopped", "Stopped")
    assert "FailureReason" not in job
    assert "got SIGTERM" in log_messages("spaceflights-stop")
    statuses = [t["Status"] for t in job["SecondaryStatusTransitions"]]
    assert statuses[-3:] == ["Stopping", "Uploading", "Stopped"]


def test_python_m_local_sagemaker_serves_until_told_to_stop(tmp_path, spawn):
    endpoint_file = tmp_path / "endpoint"
    server = spawn(
        [sys.executable, "-m", "local_sagemaker", "--endpoint-file", str(endpoint_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        endpoint = server.stdout.readline().strip()
        assert endpoint.startswith("http://127.0.0.1:")
        assert endpoint_file.read_text() == f"{endpoint}\n"
        sts = boto3.client(
            "sts",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        assert sts.get_caller_identity()["Account"] == ACCOUNT
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
