"""SDK v3 against the local SageMaker, whose jobs really run in the image: the sagemaker
environment with ``training.estimator.class`` naming ``ModelTrainerEstimator``.

The same checks as tests/kedro_project/test_sagemaker_env.py makes of the v2 Estimator: one
run with ``kedro run``'s R², the request as SageMaker receives it, a failed job's sentence,
Ctrl-C and MaxRuntime. Waiting polls every 5 seconds, so these take minutes.
"""

from __future__ import annotations

import json
import signal
import subprocess

import boto3
import pytest
from kedro_sagemaker_byoc import jobs

from tests.kedro_project.test_sagemaker_env import (
    RUNS_UNTIL_STOPPED,
    _wait_for_a_training_job,
    configure,
    metrics,
    node_estimator_spec,
    stop_if_running,
    upload_channel,
)
from tests.local_aws import BUCKET, ROLE_ARN, log_messages
from tests.support import kedro, make_training_frames
from tests_v3.support import V3_CLASS, kedro_command
from training_contract import channel, hyperparameters
from training_contract.errors import TrainingInputError

pytestmark = [pytest.mark.aws, pytest.mark.docker]
V3 = {"class": V3_CLASS}


def test_one_run_trains_with_the_same_r2_and_request_as_the_v2_route(
    project, aws_env, bucket, execution_role, pushed_image, create_training_job_requests
):
    local = kedro(project, "run")
    assert local.returncode == 0, local.stdout + local.stderr
    local_r2 = metrics(project)["r2"]
    configure(project, pushed_image, **V3)

    result = kedro(project, "run", "--env", "sagemaker", env={**aws_env, "COLUMNS": "250"})

    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    [request] = create_training_job_requests
    job = json.loads((project / "data/06_models/training_job.json").read_text())
    # The node's own name, not ModelTrainer's <base_job_name>-<local time>.
    assert request["TrainingJobName"] == job["job_name"]
    assert job["job_name"].startswith("spaceflights-") and len(job["job_name"]) <= 63
    assert request["AlgorithmSpecification"]["TrainingImage"] == pushed_image
    assert request["AlgorithmSpecification"]["TrainingInputMode"] == "File"
    assert request["RoleArn"] == ROLE_ARN
    assert request["EnableNetworkIsolation"] is True
    assert request["StoppingCondition"] == {"MaxRuntimeInSeconds": 3600}
    assert request["ResourceConfig"] == {
        "InstanceType": "ml.m5.large",
        "InstanceCount": 1,
        "VolumeSizeInGB": 30,
    }
    [train] = request["InputDataConfig"]
    assert train["ChannelName"] == "train" and train["InputMode"] == "File"
    assert train["DataSource"]["S3DataSource"]["S3Uri"].startswith(f"s3://{BUCKET}/")
    assert request["ProfilerConfig"] == {"DisableProfiler": True}
    assert "DebugHookConfig" not in request
    assert request["Tags"] == [
        {"Key": "project", "Value": "spaceflights"},
        {"Key": "kedro-sagemaker-byoc:job-address", "Value": job["job_address"]},
    ]
    # Hyperparameters as the v2 Estimator stores them: the node's JSON-encoded strings.
    stored = request["HyperParameters"]
    assert json.loads(stored["fit_intercept"]) is True and json.loads(stored["positive"]) is False
    assert json.loads(stored["features"])[0] == "engines"
    # ... and the entry point got the arguments the toolkit builds from them under v2.
    container_lines = log_messages(job["job_name"])
    expected_args = "train.py " + " ".join(hyperparameters.to_args(stored))
    assert any(line.endswith(expected_args) for line in container_lines), container_lines[-40:]

    description = boto3.client("sagemaker").describe_training_job(TrainingJobName=job["job_name"])
    assert description["TrainingJobStatus"] == "Completed"
    seconds = description["BillableTimeInSeconds"]
    assert f"Training job {job['job_name']} ended Completed after {seconds} billable" in " ".join(
        output.split()
    )
    # The container's lines reach the run's output through TrainingJob.wait(logs=True).
    r2_line = next(line for line in container_lines if line.startswith("metric train_r2="))
    assert r2_line in output
    assert f"{job['job_name']}/algo-1-" not in output  # one line each, as v2 printed them
    assert metrics(project)["r2"] == pytest.approx(local_r2, abs=1e-9)


def test_a_failed_job_raises_with_the_entry_points_sentence(
    aws_env, bucket, execution_role, pushed_image, features
):
    X, y = make_training_frames(features)
    X = X.drop(columns=[features[0]])  # what the node's own checks would catch, sent anyway
    with pytest.raises(TrainingInputError) as expected:
        channel.validate_training_data(X, y, features)
    uri = upload_channel("spaceflights/tests/v3-failing-channel", X, y)
    stored = hyperparameters.to_sagemaker(
        {"features": features, "fit_intercept": True, "positive": False}
    )
    estimator = jobs.make_estimator(node_estimator_spec(pushed_image, **V3), stored)
    job_name = jobs.unique_job_name("spaceflights-v3-failing")

    with pytest.raises(jobs.TrainingJobError) as raised:
        jobs.run_training_job(estimator, {"train": uri}, job_name)

    description = boto3.client("sagemaker").describe_training_job(TrainingJobName=job_name)
    assert description["TrainingJobStatus"] == "Failed"
    assert str(raised.value) == (
        f"Training job {job_name} ended Failed: AlgorithmError: {expected.value} (logs: "
        f"CloudWatch log group /aws/sagemaker/TrainingJobs, streams {job_name}/algo-*)."
    )


def test_max_run_stops_the_job_and_the_node_reports_it(
    aws_env, bucket, execution_role, pushed_image, features
):
    uri = upload_channel("spaceflights/tests/v3-max-run", *make_training_frames(features))
    stored = hyperparameters.to_sagemaker(
        {"features": features, "fit_intercept": True, "positive": False}
    )
    spec = node_estimator_spec(
        pushed_image, max_run=5, container_entry_point=RUNS_UNTIL_STOPPED, **V3
    )
    estimator = jobs.make_estimator(spec, stored)
    job_name = jobs.unique_job_name("spaceflights-v3-max-run")

    with pytest.raises(jobs.TrainingJobError) as raised:
        jobs.run_training_job(estimator, {"train": uri}, job_name)

    description = boto3.client("sagemaker").describe_training_job(TrainingJobName=job_name)
    assert description["TrainingJobStatus"] == "Stopped"
    assert description["SecondaryStatus"] == "MaxRuntimeExceeded"
    assert f"Training job {job_name} ended Stopped" in str(raised.value)


def test_ctrl_c_stops_the_job_and_waits_until_it_is_stopped(
    project, aws_env, bucket, execution_role, pushed_image
):
    configure(project, pushed_image, container_entry_point=RUNS_UNTIL_STOPPED, **V3)
    run = subprocess.Popen(
        kedro_command("run", "--env", "sagemaker"),
        cwd=project,
        env={**aws_env, "COLUMNS": "400"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
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
    assert run.returncode != 0
    said = " ".join(output.split())
    assert f"stopping training job {job_name}" in said
    assert (
        f"Training job {job_name} was stopped because the run was interrupted; it ended Stopped"
        in said
    )
