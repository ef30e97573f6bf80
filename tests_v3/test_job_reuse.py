"""Never pay twice, on SDK v3: a rerun reuses the Completed job, or attaches to its job
still InProgress and follows it through sagemaker-core (tests/kedro_project/test_job_reuse.py
makes the same checks of the v2 Estimator)."""

from __future__ import annotations

import subprocess

import boto3
import pytest

from tests.kedro_project.test_job_reuse import (
    GATE,
    GATED_ENTRY_POINT,
    TRAIN_ONLY,
    WIDE,
    _logs_so_far,
    _wait_for,
    bucket_keys,
    folded,
    job_record,
    local_sagemaker_job_dirs,
)
from tests.kedro_project.test_sagemaker_env import configure, stop_if_running
from tests.support import kedro, read_until
from tests_v3.support import V3_CLASS, kedro_command

pytestmark = [pytest.mark.aws, pytest.mark.docker]


def test_a_second_run_reuses_the_completed_job_and_uploads_nothing(
    project, aws_env, bucket, execution_role, pushed_image, create_training_job_requests
):
    configure(project, pushed_image, **{"class": V3_CLASS})
    env = {**aws_env, **WIDE}
    first = kedro(project, "run", "--env", "sagemaker", *TRAIN_ONLY, env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    trained = job_record(project)
    keys = bucket_keys()

    second = kedro(project, "run", "--env", "sagemaker", env=env)

    assert second.returncode == 0, second.stdout + second.stderr
    assert len(create_training_job_requests) == 1
    assert bucket_keys() == keys
    assert f"Reusing training job {trained['job_name']} (Completed at" in folded(second)
    assert job_record(project)["job_name"] == trained["job_name"]


def test_a_run_started_again_attaches_to_its_job_still_in_progress(
    project,
    aws_env,
    bucket,
    execution_role,
    pushed_image,
    local_sagemaker,
    create_training_job_requests,
):
    configure(project, pushed_image, container_entry_point=GATED_ENTRY_POINT, **{"class": V3_CLASS})
    command = kedro_command("run", "--env", "sagemaker", *TRAIN_ONLY)
    options = {"cwd": project, "env": {**aws_env, **WIDE}, "text": True}
    options.update(stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    first = subprocess.Popen(command, **options)
    job_name = None
    try:
        _wait_for(lambda: create_training_job_requests)
        job_name = create_training_job_requests[0]["TrainingJobName"]
        _wait_for(lambda: "waiting for the gate" in _logs_so_far(job_name))
        first.kill()  # the run dies while its job runs on
        first.communicate()

        second = subprocess.Popen(command, **options)
        seen = read_until(second, "Attaching to training job")
        [job_dir] = local_sagemaker_job_dirs(local_sagemaker, job_name)
        (job_dir / "job" / "input" / GATE).touch()
        rest, _ = second.communicate(timeout=600)
    finally:
        if job_name:
            stop_if_running(job_name)

    output = " ".join((seen + rest).split())
    assert second.returncode == 0, output[-3000:]
    assert f"Attaching to training job {job_name}, still InProgress with the same address" in output
    billed = boto3.client("sagemaker").describe_training_job(TrainingJobName=job_name)
    assert billed["TrainingJobStatus"] == "Completed"
    seconds = billed["BillableTimeInSeconds"]
    assert f"Training job {job_name} ended Completed after {seconds} billable seconds." in output
    # Attaching streamed the job's log lines, the gate's wait and training alike.
    assert "waiting for the gate" in output and "metric train_r2=" in output
    assert len(create_training_job_requests) == 1
    assert job_record(project)["job_name"] == job_name
