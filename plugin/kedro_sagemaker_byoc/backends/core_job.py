"""A SageMaker training job seen through SDK v3's sagemaker-core: describe, wait, stop.

The training node reads a job the way SDK v2's ``Estimator.latest_training_job`` offers it:
``name``, ``describe()`` (DescribeTrainingJob's dictionary), ``wait(logs=...)`` and
``stop()``. ``CoreTrainingJob`` gives it that, by name, through sagemaker-core's public
``TrainingJob.get``, ``refresh``, ``wait`` and ``stop`` alone. sagemaker-core reads unset
fields as ``Unassigned`` objects; here they are left out, as boto3 leaves them out.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3

# DescribeTrainingJob keys the node and its messages read, by sagemaker-core attribute.
FIELDS = {
    "TrainingJobName": "training_job_name",
    "TrainingJobArn": "training_job_arn",
    "TrainingJobStatus": "training_job_status",
    "SecondaryStatus": "secondary_status",
    "FailureReason": "failure_reason",
    "CreationTime": "creation_time",
    "TrainingStartTime": "training_start_time",
    "TrainingEndTime": "training_end_time",
    "BillableTimeInSeconds": "billable_time_in_seconds",
}
# How often TrainingJob.wait asks for the status and new log lines (SDK v2 asks every 10 s).
POLL_SECONDS = 5


class CoreTrainingJob:
    """A training job by name; sagemaker-core's resource is fetched on first use."""

    def __init__(self, name: str, session: boto3.Session | None = None) -> None:
        self.name = name
        self._session = session
        self._job: Any = None

    def describe(self) -> dict[str, Any]:
        """DescribeTrainingJob's answer, now, with only the fields that are set."""
        return as_description(self._resource(refresh=True))

    def wait(self, logs: bool | str = False) -> None:
        """Wait until the job has ended, streaming its CloudWatch log lines if ``logs``.

        A Failed job is how a job can end, not a failure to wait: ``describe`` says how it
        ended, as it does for Stopped and Completed ones, so the node reads all three alike.
        """
        from sagemaker.core.utils.exceptions import FailedStatusError

        job = self._resource()
        with _log_lines_shown(bool(logs), self.name):
            try:
                job.wait(poll=POLL_SECONDS, logs=bool(logs))
            except FailedStatusError:
                return

    def stop(self) -> None:
        """Ask SageMaker to stop the job (StopTrainingJob); it ends Stopped a little later."""
        self._resource().stop()

    def _resource(self, refresh: bool = False) -> Any:
        from sagemaker.core.resources import TrainingJob

        if self._job is None:
            region = self._session.region_name if self._session else None
            self._job = TrainingJob.get(
                training_job_name=self.name, session=self._session, region=region
            )
        elif refresh:
            self._job.refresh()
        return self._job


def as_description(job: Any) -> dict[str, Any]:
    """A sagemaker-core ``TrainingJob`` as DescribeTrainingJob's dictionary (the keys above
    and ``ModelArtifacts``), without the fields that are ``Unassigned``."""
    description = {key: _value(getattr(job, attribute)) for key, attribute in FIELDS.items()}
    artifacts = _value(job.model_artifacts)
    uri = _value(artifacts.s3_model_artifacts) if artifacts is not None else None
    if uri:
        description["ModelArtifacts"] = {"S3ModelArtifacts": uri}
    return {key: value for key, value in description.items() if value is not None}


def _value(value: Any) -> Any:
    from sagemaker.core.utils.utils import Unassigned

    return None if isinstance(value, Unassigned) else value


@contextmanager
def _log_lines_shown(shown: bool, job_name: str) -> Iterator[None]:
    """Let the job's log lines through while waiting, one line each.

    ``TrainingJob.wait(logs=True)`` passes each line to the logging module as an INFO record
    of sagemaker-core's resources logger, and an application that keeps other libraries'
    loggers at WARNING (Kedro's logging.yml does) would show none of them.
    """
    from sagemaker.core.resources import TrainingJob

    sdk_logger = logging.getLogger(TrainingJob.__module__)
    previous = sdk_logger.level
    one_line = _WithoutStreamName(job_name)
    if shown and sdk_logger.getEffectiveLevel() > logging.INFO:
        sdk_logger.setLevel(logging.INFO)
    sdk_logger.addFilter(one_line)
    try:
        yield
    finally:
        sdk_logger.removeFilter(one_line)
        sdk_logger.setLevel(previous)


class _WithoutStreamName(logging.Filter):
    """The wait logs a line as ``<job>/<host>-<epoch>:`` and the line below it; keep the
    line, as SDK v2 printed it, so the log reads like the container's own."""

    def __init__(self, job_name: str) -> None:
        super().__init__()
        self.prefix = f"{job_name}/"

    def filter(self, record: logging.LogRecord) -> bool:
        stream, separator, line = record.getMessage().partition(":\n")
        if separator and stream.startswith(self.prefix):
            record.msg, record.args = line, ()
        return True
