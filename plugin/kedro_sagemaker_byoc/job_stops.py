"""Stopping a training job whose wait was interrupted, so it does not keep billing."""

from __future__ import annotations

import logging
import time
from typing import Any

logger = logging.getLogger(__name__)

RUNNING = ("InProgress", "Stopping")
STOP_WAIT_LIMIT = 300
STOP_POLL_SECONDS = 5


def job_if_started(estimator: Any, job_name: str) -> Any | None:
    """The estimator's job object for ``job_name``, if fit got as far as creating it."""
    job = getattr(estimator, "latest_training_job", None)
    return job if getattr(job, "name", None) == job_name else None


def stop_after_interrupt(estimator: Any, job_name: str) -> str:
    """Stop the job the run was waiting for and say how it ended.

    Interrupting the wait does not end a job on SageMaker; left alone it keeps billing.
    A local job is already stopped by the time the interrupt reaches here.
    """
    interrupted = f"Training job {job_name} was interrupted before it finished; no model was made."
    job = job_if_started(estimator, job_name)
    if job is None or not hasattr(job, "stop"):
        return interrupted
    try:
        status = job.describe().get("TrainingJobStatus")
    except Exception:  # noqa: BLE001 - no record of the job: it never got going
        return interrupted
    if status not in RUNNING:
        return f"Training job {job_name} was interrupted; it had already ended {status}."
    logger.warning("Interrupted: stopping training job %s so it does not keep running.", job_name)
    try:
        job.stop()
        status = _wait_until_ended(job)
    except KeyboardInterrupt:
        return (
            f"Training job {job_name} was asked to stop, but the run was interrupted again "
            "before it ended; check it with 'aws sagemaker describe-training-job "
            f"--training-job-name {job_name}'."
        )
    except Exception as exc:  # noqa: BLE001 - the user must hear that it may still bill
        return (
            f"Training job {job_name} was interrupted, but stopping it failed ({exc}); stop "
            f"it with 'aws sagemaker stop-training-job --training-job-name {job_name}'."
        )
    return (
        f"Training job {job_name} was stopped because the run was interrupted; it ended {status}."
    )


def _wait_until_ended(job: Any) -> str:
    """Poll the job until it has left InProgress and Stopping; return its last status."""
    started = time.monotonic()
    while True:
        status = job.describe().get("TrainingJobStatus", "unknown")
        if status not in RUNNING:
            return status
        if time.monotonic() - started > STOP_WAIT_LIMIT:
            return f"{status} (still, after {STOP_WAIT_LIMIT} s of waiting)"
        logger.info(
            "Waiting for %s to stop (status %s); Ctrl-C again to stop waiting.", job.name, status
        )
        time.sleep(STOP_POLL_SECONDS)
