"""SDK v3's local route: the image runs on this machine through ``Mode.LOCAL_CONTAINER``.

ModelTrainer's local mode runs the image with docker-compose as SageMaker would (no command,
so the image's own ``train``; the channel mounted at ``/opt/ml/input/data/<channel>``; host
``algo-1``), packs ``model.tar.gz`` under ``<root>/compressed_artifacts`` and then deletes
``input/``, ``shared/`` and ``algo-*`` under its root folder, which is the working folder
unless told otherwise. So every job gets a temporary root of its own, and nothing of the
project can be deleted; ``model.tar.gz`` is moved to
``<output_path>/<job>/output/model.tar.gz``, where the local backend puts it too.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from training_contract.environment import MODEL_ARCHIVE, OUTPUT_DIR, TrainingEnvironment
from training_contract.failure import read_failure

from .. import interruption
from ..uris import local_path

if TYPE_CHECKING:
    from .model_trainer import ModelTrainerEstimator

logger = logging.getLogger(__name__)

# Where ModelTrainer's local mode gathers a finished job's files, under its root folder.
GATHERED = "artifacts"
COMPRESSED = "compressed_artifacts"


def run_local_container(
    estimator: ModelTrainerEstimator, inputs: Mapping[str, str], job_name: str, logs: bool
) -> dict[str, Any]:
    """Run the job in the image here; return its description (Completed or Failed).

    Raises what stopped the job from running at all (no Docker, no docker-compose, an image
    that is not there), and KeyboardInterrupt once the run was interrupted and the
    containers are gone.
    """
    from sagemaker.core.training.configs import Compute, InputData
    from sagemaker.train.model_trainer import Mode, ModelTrainer

    root = Path(tempfile.mkdtemp(prefix=f"{job_name}-"))
    try:
        trainer = ModelTrainer(
            training_image=estimator.image_uri,
            training_mode=Mode.LOCAL_CONTAINER,
            local_container_root=str(root),
            base_job_name=job_name,
            compute=Compute(
                instance_type=estimator.instance_type, instance_count=estimator.instance_count
            ),
            hyperparameters=estimator.hyperparameters,
            environment=estimator.environment,
        )
        channels = [
            InputData(channel_name=name, data_source=str(local_path(uri).resolve()))
            for name, uri in inputs.items()
        ]
        try:
            trainer.train(input_data_config=channels, wait=True, logs=logs)
            error = None
        except RuntimeError as exc:  # docker-compose ended non-zero: the container failed
            error = exc
        if interruption.requested():
            # The SDK's telemetry wrapper returns from its `finally`, which swallows the
            # KeyboardInterrupt; the flag is how the interruption gets out.
            raise KeyboardInterrupt
        return _describe(root, job_name, estimator.output_path, error)
    finally:
        # docker-compose was sent SIGINT with the interruption; it stops the container,
        # which must be gone before its mounted folders are.
        interruption.wait_for_stopped_children()
        _remove(root, estimator.image_uri)


def _describe(root: Path, job_name: str, output_path: str, error: Exception | None) -> dict:
    """The job's description from what ModelTrainer gathered under ``root``."""
    description: dict[str, Any] = {"TrainingJobName": job_name}
    archive = root / COMPRESSED / MODEL_ARCHIVE
    gathered = TrainingEnvironment.from_env({"SAGEMAKER_BASE_DIR": str(root / GATHERED)})
    if gathered.model_written() and archive.is_file():
        target = local_path(output_path) / job_name / OUTPUT_DIR / MODEL_ARCHIVE
        _place(archive, target)
        description["TrainingJobStatus"] = "Completed"
        description["ModelArtifacts"] = {"S3ModelArtifacts": target.resolve().as_uri()}
        return description
    reason = read_failure(root / GATHERED / "output")
    if reason is None and error is not None:
        # No sentence from the image: docker-compose could not run it (no image, no
        # Docker), and its own output above says why.
        raise error
    description["TrainingJobStatus"] = "Failed"
    description["FailureReason"] = reason or "the container ended without writing a model"
    return description


def _place(archive: Path, target: Path) -> None:
    """Copy ``archive`` to ``target`` atomically: a model.tar.gz is whole or absent."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    shutil.copyfile(archive, partial)
    os.replace(partial, target)


def _remove(root: Path, image: str) -> None:
    """Delete the job's root folder, including what the container wrote as root."""
    try:
        shutil.rmtree(root)
        return
    except PermissionError:
        pass
    # Files the container made are owned by its user (root) where Docker runs natively;
    # the image itself can make them deletable, as the SDK does for its own folders.
    subprocess.run(
        ["docker", "run", "--rm", "--network", "none", "--entrypoint", "chmod"]
        + ["-v", f"{root}:/job", image, "-R", "a+rwX", "/job"],
        capture_output=True,
        check=False,
    )
    shutil.rmtree(root, ignore_errors=True)
    if root.exists():
        logger.warning("Could not delete the local job folder %s; delete it by hand.", root)
