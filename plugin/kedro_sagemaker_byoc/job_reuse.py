"""Never pay twice: find a job that already has this run's address (``job_address``).

A Completed job whose ``model.tar.gz`` is still there is reused; a job still InProgress is
attached to (``jobs.attach_training_job``); anything else means a new job. Jobs on
SageMaker (an ``s3://`` output path) carry their address as a tag and are found with the
Search API, so every machine sharing the account finds them. Local jobs (a local output
path) have no API to ask, so a record ``<output_path>/<address>.json`` is written once a
job has Completed, with the archive's SHA-256, since local mode may overwrite the archive.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from .channel_upload import file_sha256
from .uris import local_path

logger = logging.getLogger(__name__)

ADDRESS_TAG = "kedro-sagemaker-byoc:job-address"
# Jobs with one address are few: the newest of them are enough to look at.
MAX_CANDIDATES = 10


@dataclass(frozen=True)
class EarlierJob:
    """A job with this run's address: Completed (reuse its model) or InProgress (attach)."""

    name: str
    status: str
    description: dict[str, Any]

    @property
    def completed(self) -> bool:
        return self.status == "Completed"

    def sentence(self) -> str:
        """What the run does with it, in one line."""
        if not self.completed:
            return (
                f"Attaching to training job {self.name}, still {self.status} with the same "
                "address; waiting for it instead of starting another."
            )
        ended = self.description.get("TrainingEndTime") or "an earlier run"
        return (
            f"Reusing training job {self.name} (Completed at {ended}, same image, data, "
            "hyperparameters and resources); no job started, nothing uploaded."
        )


def is_remote(estimator: Mapping[str, Any]) -> bool:
    """Whether the estimator's jobs run on SageMaker (their output goes to S3)."""
    return str(estimator.get("output_path") or "").startswith("s3://")


def tagged(estimator: Mapping[str, Any], address: str | None) -> dict[str, Any]:
    """The estimator settings, with the address as a tag on SageMaker jobs."""
    spec = dict(estimator)
    if address and is_remote(spec):
        others = [t for t in spec.get("tags") or [] if t.get("Key") != ADDRESS_TAG]
        spec["tags"] = [*others, {"Key": ADDRESS_TAG, "Value": address}]
    return spec


def find(address: str, estimator: Mapping[str, Any]) -> EarlierJob | None:
    """The newest usable job with ``address``: a Completed one first, else an InProgress one."""
    if is_remote(estimator):
        return _find_on_sagemaker(address)
    return _find_in_record(_record_path(estimator, address))


def remember(address: str | None, description: Mapping[str, Any], estimator: Mapping[str, Any]):
    """Record a Completed local job under its address (SageMaker jobs carry the tag)."""
    if not address or is_remote(estimator) or description.get("TrainingJobStatus") != "Completed":
        return
    archive = local_path(description["ModelArtifacts"]["S3ModelArtifacts"])
    record = {
        "TrainingJobName": description["TrainingJobName"],
        "TrainingJobStatus": "Completed",
        "ModelArtifacts": dict(description["ModelArtifacts"]),
        "ModelSha256": file_sha256(archive),
        "TrainingEndTime": description.get("TrainingEndTime") or _mtime(archive),
    }
    path = _record_path(estimator, address)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(record, indent=2, default=str))
    os.replace(partial, path)  # atomic: a record is whole or absent


def _find_on_sagemaker(address: str) -> EarlierJob | None:
    sagemaker = boto3.client("sagemaker")
    try:
        found = sagemaker.search(
            Resource="TrainingJob",
            SearchExpression={
                "Filters": [{"Name": f"Tags.{ADDRESS_TAG}", "Operator": "Equals", "Value": address}]
            },
            SortBy="CreationTime",
            SortOrder="Descending",
            MaxResults=MAX_CANDIDATES,
        )
        names = [result["TrainingJob"]["TrainingJobName"] for result in found.get("Results", [])]
        jobs = [sagemaker.describe_training_job(TrainingJobName=name) for name in names]
    except (ClientError, BotoCoreError) as error:
        # Looking is a saving, not a requirement: say so, and run as if nothing was found.
        logger.warning(
            "Could not look for an earlier training job with this address (%s); starting a "
            "new one. Grant the submitter sagemaker:Search to reuse jobs.",
            error,
        )
        return None
    # Newest first, whatever order the service returned them in.
    jobs.sort(key=lambda job: str(job.get("CreationTime", "")), reverse=True)
    for job in jobs:
        if job["TrainingJobStatus"] == "Completed" and _s3_object_exists(
            job.get("ModelArtifacts", {}).get("S3ModelArtifacts", "")
        ):
            return EarlierJob(job["TrainingJobName"], "Completed", job)
    for job in jobs:
        # Stopping ends Stopped, with no model: only a job still running is worth waiting for.
        if job["TrainingJobStatus"] == "InProgress":
            return EarlierJob(job["TrainingJobName"], "InProgress", job)
    return None


def _s3_object_exists(uri: str) -> bool:
    parsed = urlparse(uri)
    if parsed.scheme != "s3":
        return False
    try:
        boto3.client("s3").head_object(Bucket=parsed.netloc, Key=parsed.path.lstrip("/"))
    except ClientError:
        return False
    return True


def _find_in_record(path: Path) -> EarlierJob | None:
    try:
        record = json.loads(path.read_text())
        archive = local_path(record["ModelArtifacts"]["S3ModelArtifacts"])
        unchanged = archive.is_file() and file_sha256(archive) == record["ModelSha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no record, or not one this module wrote: run the job
    if not unchanged:
        logger.info("The model.tar.gz of %s is gone or was overwritten.", record["TrainingJobName"])
        return None
    return EarlierJob(record["TrainingJobName"], "Completed", record)


def _record_path(estimator: Mapping[str, Any], address: str) -> Path:
    return local_path(str(estimator["output_path"])) / f"{address}.json"


def _mtime(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")
