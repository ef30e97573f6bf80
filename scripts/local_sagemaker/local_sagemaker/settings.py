"""What the local SageMaker can be told, read from ``LOCAL_SAGEMAKER_*`` variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# SageMaker's own grace period between SIGTERM and SIGKILL when a job is stopped.
SAGEMAKER_STOP_GRACE_SECONDS = 120


@dataclass(frozen=True)
class Settings:
    """``registry``: where images named by an ECR host are pulled from instead (HOST:PORT).
    ``stop_grace_seconds``: SIGTERM to SIGKILL on StopTrainingJob and MaxRuntimeInSeconds.
    ``work_dir``: where job folders are laid out (a temporary folder when None).
    ``docker``: the Docker client to run."""

    registry: str = "127.0.0.1:5000"
    stop_grace_seconds: float = SAGEMAKER_STOP_GRACE_SECONDS
    work_dir: Path | None = None
    docker: str = "docker"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        work_dir = env.get("LOCAL_SAGEMAKER_WORK_DIR")
        return cls(
            registry=env.get("LOCAL_SAGEMAKER_REGISTRY", cls.registry),
            stop_grace_seconds=float(
                env.get("LOCAL_SAGEMAKER_STOP_GRACE_SECONDS", SAGEMAKER_STOP_GRACE_SECONDS)
            ),
            work_dir=Path(work_dir) if work_dir else None,
            docker=env.get("LOCAL_SAGEMAKER_DOCKER", cls.docker),
        )
