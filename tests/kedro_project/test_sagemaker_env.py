"""``kedro run --env sagemaker`` against a local AWS (moto's server on 127.0.0.1)."""

import json
from pathlib import Path

import boto3
import pytest

from spaceflights.training.channel_upload import content_hash
from tests.local_aws import BUCKET, ROLE_ARN, play_sagemaker
from tests.preflight_support import write_image_record
from tests.support import kedro

pytestmark = pytest.mark.aws


def configure(project: Path, image: str) -> None:
    """Fill in conf/sagemaker as a user (and build_and_push.sh) would."""
    globals_file = project / "conf/sagemaker/globals.yml"
    text = globals_file.read_text()
    text = text.replace("bucket: REPLACE_ME", f"bucket: {BUCKET}")
    text = text.replace("arn:aws:iam::REPLACE_ME:role/REPLACE_ME", ROLE_ARN)
    globals_file.write_text(text)
    write_image_record(project, image)


def test_sagemaker_env_end_to_end(
    project, image, aws_env, bucket, create_training_job_requests, tmp_path
):
    configure(project, image)

    submitted = kedro(
        project, "run", "--env", "sagemaker", "--to-nodes", "train_model_node", env=aws_env
    )
    assert submitted.returncode == 0, submitted.stdout + submitted.stderr

    keys = [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket=bucket)["Contents"]]
    channel_hash = content_hash(project / "data/05_model_input/train")
    assert f"spaceflights/channels/{channel_hash}/X_train.parquet" in keys
    assert f"spaceflights/channels/{channel_hash}/y_train.parquet" in keys

    [request] = create_training_job_requests
    job = json.loads((project / "data/06_models/training_job.json").read_text())
    assert request["TrainingJobName"] == job["job_name"]
    assert request["AlgorithmSpecification"]["TrainingImage"] == image
    assert request["RoleArn"] == ROLE_ARN
    assert request["EnableNetworkIsolation"] is True
    [channel] = request["InputDataConfig"]
    assert channel["ChannelName"] == "train"
    assert (
        channel["DataSource"]["S3DataSource"]["S3Uri"]
        == f"s3://{bucket}/spaceflights/channels/{channel_hash}/"
    )
    assert (
        request["OutputDataConfig"]["S3OutputPath"] == f"s3://{bucket}/spaceflights/training-jobs"
    )
    assert json.loads(request["HyperParameters"]["fit_intercept"]) is True
    assert json.loads(request["HyperParameters"]["features"]).split(",")[0] == "engines"
    metric_names = [m["Name"] for m in request["AlgorithmSpecification"]["MetricDefinitions"]]
    assert metric_names == ["train:r2", "train:mae", "train:max_error"]
    assert request["ResourceConfig"]["InstanceType"] == "ml.m5.large"
    assert request["ProfilerConfig"] == {"DisableProfiler": True}
    assert "DebugHookConfig" not in request
    assert request["Tags"] == [
        {"Key": "project", "Value": "spaceflights"},
        {"Key": "spaceflights:job-address", "Value": job["job_address"]},
    ]

    model_uri = play_sagemaker(job["job_name"], tmp_path / "sagemaker")
    assert job["model_artifact"] == model_uri

    evaluated = kedro(
        project, "run", "--env", "sagemaker", "--from-nodes", "unpack_model_node", env=aws_env
    )
    assert evaluated.returncode == 0, evaluated.stdout + evaluated.stderr
    metrics = json.loads((project / "data/08_reporting/metrics.json").read_text())
    assert 0.3 < metrics["r2"] < 0.9
    model = json.loads((project / "data/06_models/model.json").read_text())
    assert model["format"] == "spaceflights-linear-regression/1"


def test_a_failed_job_raises_with_its_failure_reason(
    project, image, aws_env, bucket, failing_training_jobs
):
    configure(project, image)

    result = kedro(
        project, "run", "--env", "sagemaker", "--to-nodes", "train_model_node", env=aws_env
    )

    assert result.returncode != 0
    output = " ".join((result.stdout + result.stderr).split())
    assert "ended Failed: AlgorithmError: Training channel 'train' is missing." in output
    assert "CloudWatch log group /aws/sagemaker/TrainingJobs" in output
    assert not (project / "data/06_models/training_job.json").exists()


def test_unfilled_globals_stop_the_run_before_anything_is_written(project, aws_env):
    result = kedro(project, "run", "--env", "sagemaker", env=aws_env)

    assert result.returncode != 0
    assert "conf/sagemaker/globals.yml still has REPLACE_ME in bucket" in " ".join(
        result.stderr.split()
    )
    assert not (project / "data/02_intermediate/preprocessed_companies.parquet").exists()
