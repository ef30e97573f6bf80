"""A training backend that needs no Docker and no AWS.

It lays out a SageMaker-shaped job folder (``SAGEMAKER_BASE_DIR``), runs the image's
entry point through the training toolkit's ``train`` command in a subprocess, and packs
``model/`` into ``model.tar.gz`` where SageMaker would put it. Its interface is the slice
of ``sagemaker.estimator.Estimator`` that the training node uses, so the node does not
know which backend it has.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from training_contract.environment import (
    BASE_DIR_ENV,
    CODE_DIR,
    DATA_DIR,
    MODEL_ARCHIVE,
    MODEL_DIR,
    OUTPUT_DIR,
    TOOLKIT_COMMAND,
    TrainingEnvironment,
)
from training_contract.failure import read_failure
from training_contract.job_folder import write_job_folder
from training_contract.supervisor import STOP_DEADLINE

from ..artifacts import pack_model_dir
from ..uris import local_path
from .entry_point import EntryPoint, resolve

SUPERVISOR = "training_contract.supervisor"
# The supervisor kills a job that ignores a stop after STOP_DEADLINE; wait a little longer.
STOP_GRACE = STOP_DEADLINE + 5


class LocalTrainingJob:
    """The finished job, described with the DescribeTrainingJob fields the node reads."""

    def __init__(self, description: dict[str, Any]):
        self.name = description["TrainingJobName"]
        self._description = description

    def describe(self) -> dict[str, Any]:
        return dict(self._description)


class LocalToolkitEstimator:
    """Run ``entry_point`` as SageMaker would, in a subprocess on this machine.

    ``entry_point`` is the model's ``train.py``, or its ``Model`` by import path for a
    model installed as a package (the module ``entry_point`` says why).
    """

    def __init__(
        self,
        entry_point: str,
        output_path: str,
        hyperparameters: Mapping[str, Any] | None = None,
    ):
        self.entry_point = str(entry_point)
        self.output_path = output_path
        self.hyperparameters = dict(hyperparameters or {})
        self.latest_training_job: LocalTrainingJob | None = None

    def fit(
        self, inputs: Mapping[str, str], job_name: str, wait: bool = True, logs: bool = True
    ) -> None:
        """Run the job to completion (``wait`` is accepted for the Estimator's signature)."""
        program = resolve(self.entry_point)
        train_command = shutil.which(TOOLKIT_COMMAND, path=str(Path(sys.executable).parent))
        if train_command is None:
            raise FileNotFoundError(
                "The sagemaker-training toolkit's 'train' command is not installed beside "
                f"{sys.executable}; install sagemaker-training in this environment."
            )
        job_output = local_path(self.output_path) / job_name / OUTPUT_DIR
        with tempfile.TemporaryDirectory(prefix=f"{job_name}-") as base:
            base_dir = Path(base)
            self._lay_out_job(base_dir, inputs, program)
            # The image's supervisor, so a stop, a missing model or a memory kill ends the
            # same way here as in the image.
            returncode = _run_to_the_end(
                [sys.executable, "-m", SUPERVISOR, train_command],
                env=self._job_env(base_dir, program.name),
                cwd=base_dir,
                logs=logs,
            )
            description: dict[str, Any] = {"TrainingJobName": job_name}
            written = TrainingEnvironment.from_env({BASE_DIR_ENV: str(base_dir)}).model_written()
            if returncode == 0 and written:
                archive = pack_model_dir(base_dir / MODEL_DIR, job_output / MODEL_ARCHIVE)
                description["TrainingJobStatus"] = "Completed"
                description["ModelArtifacts"] = {"S3ModelArtifacts": archive.resolve().as_uri()}
            else:
                reason = read_failure(base_dir / OUTPUT_DIR)
                description["TrainingJobStatus"] = "Failed"
                description["FailureReason"] = reason or _exit_reason(returncode)
        self.latest_training_job = LocalTrainingJob(description)

    def _lay_out_job(self, base_dir: Path, inputs: Mapping[str, str], program: EntryPoint) -> None:
        # SageMaker stores hyperparameters as strings; the Estimator applies str() to each.
        hyperparameters = {name: str(value) for name, value in self.hyperparameters.items()}
        write_job_folder(base_dir, hyperparameters, inputs)
        # File mode: SageMaker copies each channel into input/data/<channel>/ before start.
        for channel, uri in inputs.items():
            source = local_path(uri)
            if source.is_dir():
                shutil.copytree(source, base_dir / DATA_DIR / channel)
        (base_dir / CODE_DIR).mkdir()
        (base_dir / CODE_DIR / program.name).write_bytes(program.source)

    def _job_env(self, base_dir: Path, program_name: str) -> dict[str, str]:
        return {
            **os.environ,
            BASE_DIR_ENV: str(base_dir),
            "SAGEMAKER_PROGRAM": program_name,
            # One host that is this machine: skip the toolkit's DNS wait for algo-1,
            # which would otherwise retry for up to 15 minutes.
            "SM_STUDIO_LOCAL_MODE": "true",
        }


def _run_to_the_end(command: list[str], env: dict[str, str], cwd: Path, logs: bool) -> int:
    """Run the job and return its exit code; if we are interrupted, stop it first.

    The job gets a session of its own, so a terminal's Ctrl-C reaches only us and we stop
    it through the supervisor, which stops the entry point and the toolkit with it. (A
    kedro run's interruption handler may have sent it SIGINT already; the supervisor acts
    on the first stop and ignores the rest.)
    """
    output = None if logs else subprocess.DEVNULL
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=output, stderr=output, start_new_session=True
    )
    try:
        return process.wait()
    except BaseException:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_GRACE)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        raise


def _exit_reason(returncode: int) -> str:
    if returncode < 0:
        return f"train was killed by {signal.Signals(-returncode).name} (exit {returncode})"
    return f"train exited with {returncode} and left no failure sentence"
