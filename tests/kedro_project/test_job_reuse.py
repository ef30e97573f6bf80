"""Never pay twice: a rerun with nothing changed reuses the job, or attaches to it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from kedro_sagemaker_byoc import job_reuse

from tests.kedro_project.test_sagemaker_env import configure, stop_if_running
from tests.local_aws import BUCKET, log_messages
from tests.support import kedro, read_until

TRAIN_ONLY = ("--to-nodes", "train_model_node")
# Wide enough that the log lines are not wrapped in the middle of a job name.
WIDE = {"COLUMNS": "250"}


def job_record(project: Path) -> dict:
    return json.loads((project / "data/06_models/training_job.json").read_text())


def folded(result: subprocess.CompletedProcess) -> str:
    return " ".join((result.stdout + result.stderr).split())


def bucket_keys() -> list[str]:
    listing = boto3.client("s3").list_objects_v2(Bucket=BUCKET)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def test_a_second_local_run_reuses_the_first_job(project: Path, monkeypatch):
    monkeypatch.setenv("COLUMNS", WIDE["COLUMNS"])
    jobs_dir = project / "data/06_models/training-jobs"
    first = kedro(project, "run")
    assert first.returncode == 0, first.stdout + first.stderr
    trained = job_record(project)
    job_folders = sorted(p.name for p in jobs_dir.iterdir() if p.is_dir())
    assert job_folders == [trained["job_name"]]
    assert (jobs_dir / f"{trained['job_address']}.json").is_file()

    second = kedro(project, "run")

    assert second.returncode == 0, second.stdout + second.stderr
    assert sorted(p.name for p in jobs_dir.iterdir() if p.is_dir()) == job_folders
    reused = job_record(project)
    assert reused["job_name"] == trained["job_name"] and reused["reused"] is True
    assert reused["model_artifact"] == trained["model_artifact"]
    assert f"Reusing training job {trained['job_name']} (Completed at" in folded(second)
    assert "no job started, nothing uploaded." in folded(second)
    assert (project / "data/08_reporting/metrics.json").is_file()

    forced = kedro(project, "run", "--params", "training.reuse=false", *TRAIN_ONLY)

    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert "training.reuse is false: starting a new training job." in folded(forced)
    assert len([p for p in jobs_dir.iterdir() if p.is_dir()]) == 2
    assert job_record(project)["job_name"] != trained["job_name"]


def test_a_local_record_whose_archive_was_overwritten_is_not_reused(tmp_path: Path):
    archive = tmp_path / "jobs/model.tar.gz"  # where the SDK's local mode writes every job
    archive.parent.mkdir()
    archive.write_bytes(b"the first job's model")
    estimator = {"output_path": str(tmp_path / "jobs")}
    description = {
        "TrainingJobName": "job-1",
        "TrainingJobStatus": "Completed",
        "ModelArtifacts": {"S3ModelArtifacts": archive.as_uri()},
    }
    job_reuse.remember("a" * 64, description, estimator)
    assert job_reuse.find("a" * 64, estimator).name == "job-1"
    assert job_reuse.find("b" * 64, estimator) is None

    archive.write_bytes(b"another job's model")

    assert job_reuse.find("a" * 64, estimator) is None


@pytest.mark.aws
@pytest.mark.docker
def test_a_second_sagemaker_run_reuses_the_completed_job_and_uploads_nothing(
    project, aws, pushed_image, create_training_job_requests
):
    configure(project, pushed_image)
    env = {**aws, **WIDE}
    first = kedro(project, "run", "--env", "sagemaker", *TRAIN_ONLY, env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    trained = job_record(project)
    assert trained["reused"] is False
    keys = bucket_keys()

    second = kedro(project, "run", "--env", "sagemaker", env=env)

    assert second.returncode == 0, second.stdout + second.stderr
    assert len(create_training_job_requests) == 1
    assert bucket_keys() == keys
    assert f"Reusing training job {trained['job_name']} (Completed at" in folded(
        second
    ) and "no job started, nothing uploaded." in folded(second)
    assert "the training channel" not in folded(second)  # neither uploaded nor looked at
    assert job_record(project)["job_name"] == trained["job_name"]
    assert 0.3 < json.loads((project / "data/08_reporting/metrics.json").read_text())["r2"] < 0.9


@pytest.mark.aws
@pytest.mark.docker
def test_a_run_started_again_attaches_to_its_job_still_in_progress(
    project, aws, pushed_image, local_sagemaker, create_training_job_requests, spawn
):
    # The job's container waits for a file the test creates, so it is really InProgress
    # for as long as the test needs; then it trains as the image always does.
    configure(project, pushed_image, container_entry_point=GATED_ENTRY_POINT)
    command = [str(Path(sys.executable).parent / "kedro"), "run", "--env", "sagemaker", *TRAIN_ONLY]
    options = {"cwd": project, "env": {**aws, **WIDE}, "text": True}
    options.update(stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    first = spawn(command, **options)
    job_name = None
    try:
        _wait_for(lambda: create_training_job_requests)
        job_name = create_training_job_requests[0]["TrainingJobName"]
        _wait_for(lambda: "waiting for the gate" in _logs_so_far(job_name))
        first.kill()  # a laptop that slept, or a run killed while it waited: the job runs on
        first.communicate()
        keys = bucket_keys()

        second = spawn(command, **options)
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
    assert len(create_training_job_requests) == 1
    # Nothing uploaded by the second run: only the job's own output was added.
    assert [k for k in bucket_keys() if "/training-jobs/" not in k] == [
        k for k in keys if "/training-jobs/" not in k
    ]
    assert job_record(project)["job_name"] == job_name


GATE = "gate-open"
GATED_ENTRY_POINT = [
    "sh",
    "-c",
    "echo waiting for the gate; "
    f"until [ -e /opt/ml/input/{GATE} ]; do sleep 0.2; done; "
    "exec /usr/bin/tini -- /opt/venv/bin/python -m training_contract.supervisor train",
]


def local_sagemaker_job_dirs(server, job_name: str) -> list[Path]:
    """The local SageMaker's working folders for ``job_name`` (mounted into its container)."""
    return sorted(Path(server.jobs.settings.work_dir).glob(f"{job_name}-*"))


def _logs_so_far(job_name: str) -> list[str]:
    """The job's log lines, none while its log group is not there yet."""
    try:
        return log_messages(job_name)
    except boto3.client("logs").exceptions.ResourceNotFoundException:
        return []


def _wait_for(condition, limit: float = 300) -> None:
    """Poll until ``condition()`` is true; fail after ``limit`` seconds (not a timing check)."""
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "the condition never became true"
        time.sleep(0.2)
