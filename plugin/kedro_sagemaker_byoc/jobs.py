"""Submitting a training job through whichever estimator the configuration names."""

from __future__ import annotations

import importlib
import logging
import re
import secrets
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from training_contract import memory
from training_contract.environment import HOST_PREFIX

from . import interruption
from .job_stops import RUNNING, job_if_started, stop_after_interrupt
from .uris import as_uri

logger = logging.getLogger(__name__)

MAX_JOB_NAME = 63
# How a memory kill reads in a FailureReason: the image's sentence, or the kill itself as
# the image's supervisor recognises it (SageMaker's OutOfMemory, a toolkit's ExitCode -9),
# or the local backend's "exit -9".
KILLED_FOR_MEMORY = re.compile(
    rf"out of memory|{memory.KILLED_PATTERN.pattern}|exit (-9|137)\b|SIGKILL", re.I
)
CLOUDWATCH_LOG_GROUP = "/aws/sagemaker/TrainingJobs"


class TrainingJobError(RuntimeError):
    """A training job did not complete; the message names the job, its reason and its logs."""


def unique_job_name(prefix: str, now: datetime | None = None) -> str:
    """``<prefix>-<UTC time>-<random>``: unique, at most 63 letters, digits and hyphens."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    suffix = f"-{stamp}-{secrets.token_hex(3)}"
    cleaned = re.sub(r"[^A-Za-z0-9]+", "-", prefix).strip("-") or "training"
    return cleaned[: MAX_JOB_NAME - len(suffix)].rstrip("-") + suffix


def instantiate(spec: Any) -> Any:
    """Instantiate ``{"class": "module.Name", **kwargs}`` specs, nested ones first."""
    if isinstance(spec, Mapping):
        built = {key: instantiate(value) for key, value in spec.items() if value is not None}
        if "class" not in built:
            return built
        return _import_class(built.pop("class"))(**built)
    if isinstance(spec, list):
        return [instantiate(item) for item in spec]
    return spec


def import_dotted(path: str) -> Any:
    """The object at ``module.Name``; ImportError, AttributeError or ValueError if none."""
    module_name, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module_name), name)


def _import_class(path: str) -> type:
    try:
        return import_dotted(path)
    except (ImportError, AttributeError, ValueError) as exc:
        raise TrainingJobError(
            f"Cannot import class {path!r} named in the training configuration ({exc}); "
            "check the 'class:' entries under training.estimator."
        ) from exc


def make_estimator(estimator_spec: Mapping[str, Any], hyperparameters: Mapping[str, Any]) -> Any:
    """The estimator that ``training.estimator`` describes, with the model's hyperparameters."""
    spec = dict(estimator_spec)  # checked by the pre-flight (training/preflight/)
    if spec.get("output_path"):
        spec["output_path"] = as_uri(spec["output_path"])
    return instantiate({**spec, "hyperparameters": dict(hyperparameters)})


def run_training_job(estimator: Any, channels: Mapping[str, str], job_name: str) -> dict:
    """Run the job, wait with logs, and return its description if it completed."""
    inputs = {name: as_uri(location) for name, location in channels.items()}
    logger.info("Starting training job %s with channels %s", job_name, inputs)
    return _follow(
        estimator, job_name, lambda: estimator.fit(inputs, job_name=job_name, wait=True, logs=True)
    )


def attach_training_job(estimator: Any, job_name: str) -> dict:
    """Wait with logs for a job an earlier run started, as if this run had started it:
    Ctrl-C stops it, and a failure reads the same. ``estimator`` must be a SageMaker SDK one.
    """
    follow = getattr(estimator, "follow_job", None)
    if follow is not None:  # a backend that attaches by name itself (model_trainer: SDK v3)
        return _follow(estimator, job_name, lambda: follow(job_name))

    def wait() -> None:
        estimator.latest_training_job = AttachedJob(estimator.sagemaker_session, job_name)
        estimator.latest_training_job.wait(logs=True)

    return _follow(estimator, job_name, wait)


class AttachedJob:
    """A job an earlier run started, through the SDK v2 Session's public methods only.

    It offers what the node uses of the SDK's own job object (``name``, ``describe``,
    ``wait``, ``stop``); ``Estimator.attach`` would wait without logs, before this run
    could stop the job on Ctrl-C.
    """

    def __init__(self, session: Any, name: str) -> None:
        self.sagemaker_session, self.name = session, name

    def describe(self) -> dict:
        return self.sagemaker_session.describe_training_job(self.name)

    def wait(self, logs: bool = True) -> None:
        if logs:
            self.sagemaker_session.logs_for_job(self.name, wait=True)
        else:
            self.sagemaker_session.wait_for_job(self.name)

    def stop(self) -> None:
        self.sagemaker_session.stop_training_job(self.name)


def _follow(estimator: Any, job_name: str, start: Callable[[], None]) -> dict:
    """Call ``start`` (which waits for the job) and turn every way it can end into either
    the Completed job's description or a TrainingJobError that says what happened."""
    try:
        start()
        if interruption.requested():
            raise KeyboardInterrupt  # swallowed on its way out of the SDK's local mode
    except KeyboardInterrupt as interrupt:
        raise TrainingJobError(stop_after_interrupt(estimator, job_name)) from interrupt
    except Exception as exc:
        if interruption.requested():
            raise TrainingJobError(stop_after_interrupt(estimator, job_name)) from exc
        description = _describe_if_started(estimator, job_name)
        if description is None:
            raise TrainingJobError(f"Training job {job_name} could not run: {exc}") from exc
        if description.get("TrainingJobStatus") not in RUNNING:
            raise TrainingJobError(_failure_message(description)) from exc
        # The job is fine; only following it broke (a log-streaming hiccup, say). Giving
        # up here would orphan a paid job, so keep waiting without the logs.
        logger.warning("Lost track of %s (%s); waiting for it without logs.", job_name, exc)
        try:
            estimator.latest_training_job.wait(logs=False)
        except Exception:  # noqa: BLE001 - the description below says how the job ended
            logger.debug("Waiting for %s ended with an error", job_name, exc_info=True)
    description = estimator.latest_training_job.describe()
    log_billable_seconds(description)
    if description.get("TrainingJobStatus") != "Completed":
        raise TrainingJobError(_failure_message(description))
    logger.info("Training job %s completed: %s", job_name, model_artifact(description))
    return description


def log_billable_seconds(description: Mapping[str, Any]) -> None:
    """Say what the job was billed for, as SageMaker reports it (local jobs have no bill)."""
    seconds = description.get("BillableTimeInSeconds")
    if seconds is not None:
        logger.info(
            "Training job %s ended %s after %s billable seconds.",
            description.get("TrainingJobName"),
            description.get("TrainingJobStatus"),
            seconds,
        )


def model_artifact(description: Mapping[str, Any]) -> str:
    """The URI of ``model.tar.gz`` in a job description."""
    return description["ModelArtifacts"]["S3ModelArtifacts"]


def _describe_if_started(estimator: Any, job_name: str) -> dict | None:
    job = job_if_started(estimator, job_name)
    if job is None:
        return None
    try:
        return job.describe()
    except Exception:  # noqa: BLE001 - the original error is reported instead
        return None


def _failure_message(description: Mapping[str, Any]) -> str:
    name = description.get("TrainingJobName", "?")
    status = description.get("TrainingJobStatus", "unknown")
    reason = description.get("FailureReason") or "no FailureReason was given"
    if KILLED_FOR_MEMORY.search(reason):
        advice = _memory_advice(description.get("ResourceConfig", {}).get("InstanceType"))
        reason = (
            f"{reason.rstrip('.')}; it was most likely killed for running out of memory: {advice}"
        )
    if str(description.get("TrainingJobArn", "")).startswith("arn:"):
        logs = f"CloudWatch log group {CLOUDWATCH_LOG_GROUP}, streams {name}/{HOST_PREFIX}*"
    else:
        logs = "the training log printed above"
    return f"Training job {name} ended {status}: {reason} (logs: {logs})."


def _memory_advice(instance_type: str | None) -> str:
    """Which setting gives the job more memory, named where the run's configuration sets it."""
    if not (instance_type or "").startswith("ml."):
        return "it ran on this machine, so free memory here or train on less data"
    # Imported here: the pre-flight package imports this module.
    from .preflight.origin import current

    setting = current().where("training.estimator.instance_type")
    return f"choose a larger {setting} than {instance_type}, or train on less data"
