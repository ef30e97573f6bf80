"""``kedro run --env sagemaker`` against the local SageMaker, whose jobs really run.

The image is the one the tests build, pushed to the local registry and named by its ECR
URI and digest, as build_and_push.sh records it. Each job goes through the real SDK's
wait and log streaming, which polls every 10 seconds, so these tests take minutes.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
import yaml
from kedro_sagemaker_byoc import jobs

from tests.local_aws import BUCKET, ROLE_ARN, fill_sagemaker_globals, log_messages, wait_for_job
from tests.preflight_support import write_image_record
from tests.support import PROJECT_DIR, kedro, make_training_frames
from training_contract import channel, hyperparameters
from training_contract.errors import TrainingInputError

pytestmark = pytest.mark.aws

# A container that runs until it is stopped: PID 1 ignores SIGTERM, so the local
# SageMaker has to go through its whole stop path (SIGTERM, grace period, SIGKILL).
# Training itself ends in seconds, too soon to be interrupted reliably.
RUNS_UNTIL_STOPPED = ["python3", "-c", "import time; print('busy', flush=True); time.sleep(300)"]


def configure(project: Path, image: str, **estimator: object) -> None:
    """Fill in conf/sagemaker as a user (and build_and_push.sh) would; ``estimator`` overrides
    training.estimator settings in the project copy."""
    fill_sagemaker_globals(project / "conf")
    write_image_record(project, image)
    if estimator:
        parameters_file = project / "conf/sagemaker/parameters_data_science.yml"
        parameters = yaml.safe_load(parameters_file.read_text())
        parameters["training"]["estimator"].update(estimator)
        parameters_file.write_text(yaml.safe_dump(parameters))


def metrics(project: Path) -> dict:
    return json.loads((project / "data/08_reporting/metrics.json").read_text())


def one_line(result: subprocess.CompletedProcess) -> str:
    return " ".join((result.stdout + result.stderr).split())


@pytest.mark.docker
def test_one_run_trains_in_the_local_sagemaker_with_the_same_r2_as_kedro_run(
    project, aws, pushed_image, create_training_job_requests
):
    local = kedro(project, "run")
    assert local.returncode == 0, local.stdout + local.stderr
    local_r2 = metrics(project)["r2"]
    configure(project, pushed_image)

    result = kedro(project, "run", "--env", "sagemaker", env=aws)

    assert result.returncode == 0, result.stdout + result.stderr
    [request] = create_training_job_requests
    job = json.loads((project / "data/06_models/training_job.json").read_text())
    assert request["TrainingJobName"] == job["job_name"]
    assert request["AlgorithmSpecification"]["TrainingImage"] == pushed_image
    assert request["RoleArn"] == ROLE_ARN
    assert request["EnableNetworkIsolation"] is True
    [channel] = request["InputDataConfig"]
    assert channel["ChannelName"] == "train"
    assert channel["DataSource"]["S3DataSource"]["S3Uri"].startswith(f"s3://{BUCKET}/")
    assert (
        request["OutputDataConfig"]["S3OutputPath"] == f"s3://{BUCKET}/spaceflights/training-jobs"
    )
    assert json.loads(request["HyperParameters"]["fit_intercept"]) is True
    metric_names = [m["Name"] for m in request["AlgorithmSpecification"]["MetricDefinitions"]]
    assert metric_names == ["train:r2", "train:mae", "train:max_error"]
    assert request["ProfilerConfig"] == {"DisableProfiler": True}
    assert "DebugHookConfig" not in request
    assert request["Tags"] == [
        {"Key": "project", "Value": "spaceflights"},
        {"Key": "kedro-sagemaker-byoc:job-address", "Value": job["job_address"]},
    ]

    description = boto3.client("sagemaker").describe_training_job(TrainingJobName=job["job_name"])
    assert description["TrainingJobStatus"] == "Completed"
    assert description["BillableTimeInSeconds"] >= 1
    assert {m["MetricName"] for m in description["FinalMetricDataList"]} == set(metric_names)
    assert job["model_artifact"] == description["ModelArtifacts"]["S3ModelArtifacts"]
    statuses = [t["Status"] for t in description["SecondaryStatusTransitions"]]
    assert statuses == ["Starting", "Downloading", "Training", "Uploading", "Completed"]
    # The container's own lines reached the run's output through CloudWatch Logs.
    container_lines = log_messages(job["job_name"])
    r2_line = next(line for line in container_lines if line.startswith("metric train_r2="))
    assert r2_line in result.stdout + result.stderr
    assert metrics(project)["r2"] == pytest.approx(local_r2, abs=1e-9)
    # The unpacked model is per run, in the project folder (no shared S3 key).
    model = json.loads((project / "data/06_models/model/model.json").read_text())
    assert model["format"] == "streamed-linear-regression/1"


@pytest.mark.docker
def test_ctrl_c_stops_the_job_and_the_node_says_so(project, aws, pushed_image, spawn):
    configure(project, pushed_image, container_entry_point=RUNS_UNTIL_STOPPED)
    command = [str(Path(sys.executable).parent / "kedro"), "run", "--env", "sagemaker"]
    wide = {**aws, "COLUMNS": "400"}  # rich would break long job names across lines
    run = spawn(
        command, cwd=project, env=wide, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    job_name = None
    try:
        job_name = _wait_for_a_training_job(run)
        run.send_signal(signal.SIGINT)
        output, _ = run.communicate(timeout=300)
        # The node must not return before the job has stopped: a job left running bills.
        description = boto3.client("sagemaker").describe_training_job(TrainingJobName=job_name)
    finally:
        if run.poll() is None:
            run.kill()
        if job_name:
            stop_if_running(job_name)

    assert description["TrainingJobStatus"] == "Stopped", output[-3000:]
    assert description["SecondaryStatus"] == "Stopped"
    assert run.returncode != 0
    said = " ".join(output.split())
    assert f"stopping training job {job_name}" in said
    assert (
        f"Training job {job_name} was stopped because the run was interrupted; it ended Stopped"
        in said
    )
    assert "busy" in log_messages(job_name)


def stop_if_running(job_name: str) -> None:
    """Leave no container behind when the node failed to stop its job."""
    sagemaker = boto3.client("sagemaker")
    if (
        sagemaker.describe_training_job(TrainingJobName=job_name)["TrainingJobStatus"]
        == "InProgress"
    ):
        sagemaker.stop_training_job(TrainingJobName=job_name)
        wait_for_job(job_name)


def _wait_for_a_training_job(run: subprocess.Popen) -> str:
    """The name of the job the run started, once its container is training."""
    sagemaker = boto3.client("sagemaker")
    known = {j["TrainingJobName"] for j in sagemaker.list_training_jobs()["TrainingJobSummaries"]}
    for _ in range(600):
        assert run.poll() is None, run.stdout.read()
        for summary in sagemaker.list_training_jobs()["TrainingJobSummaries"]:
            name = summary["TrainingJobName"]
            if name in known:
                continue
            if "busy" in log_messages(name):
                return name
        time.sleep(0.5)
    raise AssertionError("the run started no training job")


def node_estimator_spec(image: str, **overrides: object) -> dict:
    """training.estimator from conf/sagemaker, filled in as configure() fills it."""
    parameters = yaml.safe_load(
        (PROJECT_DIR / "conf/sagemaker/parameters_data_science.yml").read_text()
    )
    spec = dict(parameters["training"]["estimator"])
    spec.update(
        image_uri=image,
        role=ROLE_ARN,
        instance_type="ml.m5.large",
        output_path=f"s3://{BUCKET}/spaceflights/training-jobs",
        **overrides,
    )
    return spec


def upload_channel(prefix: str, X, y) -> str:
    s3 = boto3.client("s3")
    for name, frame in (("X_train.parquet", X), ("y_train.parquet", y)):
        s3.put_object(Bucket=BUCKET, Key=f"{prefix}/{name}", Body=frame.to_parquet())
    return f"s3://{BUCKET}/{prefix}/"


@pytest.mark.docker
def test_a_failed_job_raises_with_the_entry_points_sentence(aws, pushed_image, features):

    X, y = make_training_frames(features)
    X = X.drop(columns=[features[0]])  # what the node's own checks would catch, sent anyway
    with pytest.raises(TrainingInputError) as expected:
        channel.validate_training_data(X, y, features)
    uri = upload_channel("spaceflights/tests/failing-channel", X, y)
    stored = hyperparameters.to_sagemaker(
        {"features": features, "fit_intercept": True, "positive": False}
    )
    estimator = jobs.make_estimator(node_estimator_spec(pushed_image), stored)
    job_name = jobs.unique_job_name("spaceflights-failing")

    with pytest.raises(jobs.TrainingJobError) as raised:
        jobs.run_training_job(estimator, {"train": uri}, job_name)

    description = boto3.client("sagemaker").describe_training_job(TrainingJobName=job_name)
    assert description["TrainingJobStatus"] == "Failed"
    assert description["FailureReason"] == f"AlgorithmError: {expected.value}"
    assert f"ended Failed: AlgorithmError: {expected.value}" in str(raised.value)
    assert f"CloudWatch log group /aws/sagemaker/TrainingJobs, streams {job_name}/algo-*" in str(
        raised.value
    )


@pytest.mark.docker
def test_max_run_stops_the_job_and_the_node_reports_it(aws, pushed_image, features):

    uri = upload_channel("spaceflights/tests/max-run-channel", *make_training_frames(features))
    stored = hyperparameters.to_sagemaker(
        {"features": features, "fit_intercept": True, "positive": False}
    )
    spec = node_estimator_spec(pushed_image, max_run=5, container_entry_point=RUNS_UNTIL_STOPPED)
    estimator = jobs.make_estimator(spec, stored)
    job_name = jobs.unique_job_name("spaceflights-max-run")

    with pytest.raises(jobs.TrainingJobError) as raised:
        jobs.run_training_job(estimator, {"train": uri}, job_name)

    description = boto3.client("sagemaker").describe_training_job(TrainingJobName=job_name)
    assert description["TrainingJobStatus"] == "Stopped"
    assert description["SecondaryStatus"] == "MaxRuntimeExceeded"
    assert f"Training job {job_name} ended Stopped" in str(raised.value)


def test_unfilled_globals_stop_the_run_before_anything_is_written(project, aws_env):
    result = kedro(project, "run", "--env", "sagemaker", env=aws_env)

    assert result.returncode != 0
    assert "conf/sagemaker/globals.yml still has REPLACE_ME in bucket" in " ".join(
        result.stderr.split()
    )
    assert not (project / "data/02_intermediate/preprocessed_companies.parquet").exists()
