import re
from datetime import UTC, datetime

import pytest
from kedro_sagemaker_byoc import job_stops, jobs
from kedro_sagemaker_byoc.backends.local_estimator import LocalToolkitEstimator
from kedro_sagemaker_byoc.preflight import origin

from tests.support import PROJECT_DIR

JOB_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")


@pytest.mark.parametrize("prefix", ["spaceflights", "my_team.price model", "x" * 80, "--", "é"])
def test_job_names_are_valid_and_unique(prefix):
    names = {jobs.unique_job_name(prefix) for _ in range(20)}
    assert len(names) == 20
    for name in names:
        assert len(name) <= 63 and JOB_NAME.match(name), name


def test_job_name_carries_prefix_and_time():
    name = jobs.unique_job_name("spaceflights", now=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert name.startswith("spaceflights-20260102-030405-")


def test_build_instantiates_nested_specs_and_drops_nulls(tmp_path):
    estimator = jobs.make_estimator(
        {
            "class": "kedro_sagemaker_byoc.backends.local_estimator.LocalToolkitEstimator",
            "entry_point": "train.py",
            "output_path": str(tmp_path),
        },
        {"features": "a,b"},
    )
    assert isinstance(estimator, LocalToolkitEstimator)
    assert estimator.output_path == tmp_path.resolve().as_uri()
    assert estimator.hyperparameters == {"features": "a,b"}
    assert jobs.instantiate({"a": None, "b": [{"class": "pathlib.PurePosixPath"}]}) == {
        "b": [jobs.instantiate({"class": "pathlib.PurePosixPath"})]
    }


def test_an_unknown_class_is_named():
    with pytest.raises(jobs.TrainingJobError, match="Cannot import class 'sagemaker.Nope'"):
        jobs.instantiate({"class": "sagemaker.Nope"})


def test_failure_message_names_job_reason_and_cloudwatch_logs():
    message = jobs._failure_message(
        {
            "TrainingJobName": "job-1",
            "TrainingJobArn": "arn:aws:sagemaker:us-east-1:1:training-job/job-1",
            "TrainingJobStatus": "Stopped",
            "FailureReason": "MaxRuntimeExceeded",
        }
    )
    assert message == (
        "Training job job-1 ended Stopped: MaxRuntimeExceeded (logs: CloudWatch log group "
        "/aws/sagemaker/TrainingJobs, streams job-1/algo-*)."
    )


class _InterruptedJob:
    """A job that takes two polls to go from Stopping to Stopped once asked to stop."""

    def __init__(self, name):
        self.name, self.stopped, self.polls = name, False, 0

    def stop(self):
        self.stopped = True

    def describe(self):
        self.polls += 1
        status = "Stopped" if self.stopped and self.polls > 1 else "Stopping"
        return {"TrainingJobName": self.name, "TrainingJobStatus": status}


class _InterruptedEstimator:
    """An estimator whose wait is interrupted (Ctrl-C) after the job was created."""

    latest_training_job = None

    def fit(self, inputs, job_name, wait, logs):
        self.latest_training_job = _InterruptedJob(job_name)
        raise KeyboardInterrupt


def test_an_interrupted_wait_stops_the_job_and_says_how_it_ended(monkeypatch):
    monkeypatch.setattr(job_stops, "STOP_POLL_SECONDS", 0)
    estimator = _InterruptedEstimator()
    with pytest.raises(jobs.TrainingJobError) as raised:
        jobs.run_training_job(estimator, {"train": "s3://bucket/channel/"}, "job-9")
    assert estimator.latest_training_job.stopped
    assert str(raised.value) == (
        "Training job job-9 was stopped because the run was interrupted; it ended Stopped."
    )
    assert isinstance(raised.value.__cause__, KeyboardInterrupt)


@pytest.mark.parametrize(
    "reason",
    [
        "AlgorithmError: Training was killed for running out of memory (it may use 0.4 GiB); "
        "use an instance type with more memory, or train on less data.",
        'AlgorithmError: ExecuteUserScriptError: ExitCode -9 ErrorMessage ""',
        "OutOfMemoryError: Please use an instance type with more memory",
        "train was killed by SIGKILL (exit -9)",
    ],
)
def test_a_memory_kill_names_the_setting_to_change_where_it_is_set(reason, monkeypatch):
    monkeypatch.setattr(origin, "_current", origin.ConfigOrigin(PROJECT_DIR / "conf", "sagemaker"))
    message = jobs._failure_message(
        {
            "TrainingJobName": "job-2",
            "TrainingJobStatus": "Failed",
            "FailureReason": reason,
            "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1},
        }
    )
    assert "most likely killed for running out of memory: choose a larger instance_type in " in (
        message
    )
    assert (
        "instance_type in conf/sagemaker/globals.yml (used by training.estimator.instance_type) "
        "than ml.m5.large, or train on less data" in message
    )


def test_a_memory_kill_on_this_machine_names_no_instance_type(monkeypatch):
    monkeypatch.setattr(origin, "_current", origin.ConfigOrigin(PROJECT_DIR / "conf", "local"))
    message = jobs._failure_message(
        {
            "TrainingJobName": "job-3",
            "TrainingJobStatus": "Failed",
            "FailureReason": "train was killed by SIGKILL (exit -9)",
        }
    )
    assert message.endswith(
        "it ran on this machine, so free memory here or train on less data "
        "(logs: the training log printed above)."
    )


class _FlakyLogsJob:
    def __init__(self, name):
        self.name, self.status = name, "InProgress"

    def wait(self, logs):
        assert logs is False
        self.status = "Completed"

    def describe(self):
        return {
            "TrainingJobName": self.name,
            "TrainingJobStatus": self.status,
            "ModelArtifacts": {"S3ModelArtifacts": "s3://b/p/job/output/model.tar.gz"},
        }


class _FlakyLogsEstimator:
    """An estimator whose log stream breaks while the job itself keeps running."""

    latest_training_job = None

    def fit(self, inputs, job_name, wait, logs):
        self.latest_training_job = _FlakyLogsJob(job_name)
        raise ConnectionError("log stream reset")


def test_a_broken_log_stream_falls_back_to_waiting_for_the_job():
    description = jobs.run_training_job(_FlakyLogsEstimator(), {"train": "s3://b/c/"}, "job-8")
    assert description["TrainingJobStatus"] == "Completed"
