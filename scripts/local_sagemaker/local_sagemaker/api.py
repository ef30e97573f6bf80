"""CreateTrainingJob and StopTrainingJob on moto's SageMaker, with jobs that really run."""

from __future__ import annotations

import copy
import json
import threading
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.sagemaker.exceptions import ResourceInUseException
from moto.sagemaker.responses import SageMakerResponse

from . import ecr, iam, validation
from .runner import JobRun
from .settings import Settings

_original_create = SageMakerResponse.create_training_job


class Jobs:
    """The jobs started through this server, by name."""

    def __init__(self, settings: Settings, endpoint: str) -> None:
        self.settings = settings
        self.endpoint = endpoint
        self.runs: dict[str, JobRun] = {}
        self.lock = threading.Lock()

    def stop_all(self) -> None:
        for run in list(self.runs.values()):
            run.stop()
        for run in list(self.runs.values()):
            run.thread.join(timeout=self.settings.stop_grace_seconds + 30)


_jobs: Jobs | None = None


def install(jobs: Jobs) -> None:
    """Route the two calls through this module (once per process; the last server wins),
    and ECR's layer downloads to the registry the jobs pull from."""
    global _jobs
    _jobs = jobs
    SageMakerResponse.create_training_job = _create_training_job
    SageMakerResponse.stop_training_job = _stop_training_job
    iam.install()
    ecr.install(jobs.settings.registry)


def _create_training_job(self: SageMakerResponse) -> ActionResult:
    assert _jobs is not None
    request = json.loads(self.body)
    name = request["TrainingJobName"]
    validation.check_create_training_job(request, self.current_account)
    iam.check_pass_role(self, request["RoleArn"])
    with _jobs.lock:
        if name in self.sagemaker_backend.training_jobs:
            raise ResourceInUseException(f"Training job names must be unique; {name} exists.")
        result = _original_create(self)
        job = self.sagemaker_backend.training_jobs[name]
        # moto puts example metric definitions in place of the request's; put them back.
        job.algorithm_specification = copy.deepcopy(request["AlgorithmSpecification"])
        run = JobRun(job, request, _jobs.settings, _jobs.endpoint)
        _jobs.runs[name] = run
    run.start()
    return result


def _stop_training_job(self: SageMakerResponse) -> Any:
    assert _jobs is not None
    name = self._get_param("TrainingJobName")
    self.sagemaker_backend.describe_training_job(name)  # ValidationException if unknown
    run = _jobs.runs.get(name)
    if run is not None:
        run.stop()
    return EmptyResult()
