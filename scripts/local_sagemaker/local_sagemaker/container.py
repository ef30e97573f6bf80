"""Pulling the job's image and running it the way SageMaker starts a training container."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from training_contract.environment import ML_ROOT
from training_contract.job_folder import HOST

ECR_HOST = re.compile(r"^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$")
# Mounted one by one: a mount over all of /opt/ml would hide the image's /opt/ml/code.
JOB_FOLDERS = ("input", "model", "output")
CHECKPOINTS = ML_ROOT / "checkpoints"


class ImageNotFound(Exception):
    """The image reference cannot be pulled; the message is SageMaker's FailureReason."""


def local_reference(image: str, registry: str) -> str:
    """``image`` with an ECR registry host replaced by ``registry``; others unchanged."""
    host, _, rest = image.partition("/")
    return f"{registry}/{rest}" if ECR_HOST.match(host) else image


def pull(docker: str, image: str, registry: str) -> str:
    """Pull ``image`` (by digest, as recorded) and return the local reference to run."""
    reference = local_reference(image, registry)
    result = subprocess.run(
        [docker, "pull", "--quiet", reference], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise ImageNotFound(
            f"ClientError: Cannot find the requested image {image} (pulled as {reference}): "
            f"{(result.stderr.strip().splitlines() or ['docker pull failed'])[-1]}"
        )
    return reference


def run_command(
    docker: str,
    container_name: str,
    reference: str,
    job_dir: Path,
    environment: dict[str, str],
    algorithm: dict[str, Any],
    network_isolation: bool,
    checkpoint_dir: Path | None,
) -> list[str]:
    """``docker run`` for the job: host algo-1, the job folders, its environment, ``train``."""
    command = [docker, "run", "--rm", "--name", container_name]
    # With --network none Docker does not put the hostname into /etc/hosts; the toolkit
    # resolves every host in resourceconfig.json, so map it.
    command += ["--hostname", HOST, "--add-host", f"{HOST}:127.0.0.1"]
    if network_isolation:
        command += ["--network", "none"]
    for name in JOB_FOLDERS:
        command += ["--volume", f"{job_dir / name}:{ML_ROOT}/{name}"]
    if checkpoint_dir is not None:
        command += ["--volume", f"{checkpoint_dir}:{CHECKPOINTS}"]
    for key, value in environment.items():
        command += ["--env", f"{key}={value}"]
    entrypoint = list(algorithm.get("ContainerEntrypoint") or [])
    if entrypoint:
        command += ["--entrypoint", entrypoint[0]]
    arguments = list(algorithm.get("ContainerArguments") or [])
    if not entrypoint and not arguments:
        arguments = ["train"]  # SageMaker runs `docker run IMAGE train`
    return [*command, reference, *entrypoint[1:], *arguments]


def stop(docker: str, container_name: str, grace_seconds: float) -> None:
    """SIGTERM, then SIGKILL after ``grace_seconds``, as StopTrainingJob does."""
    subprocess.run(
        [docker, "stop", "--time", str(max(int(grace_seconds), 0)), container_name],
        capture_output=True,
        check=False,
    )
