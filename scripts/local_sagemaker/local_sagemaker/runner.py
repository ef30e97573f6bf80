"""One training job, run for real: pull, download, ``docker run ... train``, upload.

Each job runs in a thread of its own and reports through :class:`JobStatus`, so
DescribeTrainingJob sees InProgress while it runs and the final status afterwards.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

from training_contract.environment import FAILURE_FILE, MODEL_ARCHIVE, MODEL_DIR, OUTPUT_DIR
from training_contract.job_folder import HOST, write_job_folder

from . import container, transfer
from .logs import JobLog
from .roles import RoleSession
from .settings import Settings
from .status import JobStatus

FAILURE_REASON_CHARACTERS = 1024


class JobRun:
    """The life of one job, from CreateTrainingJob to its final status."""

    def __init__(self, job: Any, request: dict, settings: Settings, endpoint: str) -> None:
        self.name = request["TrainingJobName"]
        self.request = request
        self.settings = settings
        self.status = JobStatus(job)
        self._account, self._region = job.arn.split(":")[4], job.arn.split(":")[3]
        self._endpoint = endpoint
        self._stop_reason: str | None = None
        self._process: subprocess.Popen | None = None
        self._container_name = f"local-sagemaker-{self.name}"
        self._reference = ""
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self, secondary: str = "Stopped") -> None:
        """StopTrainingJob (or the runtime limit): SIGTERM, a grace period, then Stopped."""
        with self._lock:
            if self._stop_reason or self.status.status != "InProgress":
                return
            self._stop_reason = secondary
            self.status.secondary("Stopping", "Stopping")
        threading.Thread(target=self._stop_container, daemon=True).start()

    def _stop_container(self) -> None:
        # The container may be between `docker run` and its start: try until it is gone.
        while self._process is None and self.thread.is_alive():
            threading.Event().wait(0.2)
        while self._process is not None and self._process.poll() is None:
            grace = self.settings.stop_grace_seconds
            container.stop(self.settings.docker, self._container_name, grace)
            threading.Event().wait(0.2)

    def _run(self) -> None:
        work = Path(tempfile.mkdtemp(prefix=f"{self.name}-", dir=self.settings.work_dir))
        try:
            self._run_in(work)
        except (container.ImageNotFound, transfer.TransferFailed) as error:
            self.status.end("Failed", "Failed", str(error))
        except Exception as error:  # noqa: BLE001 - a job must end with a status, never hang
            self.status.end("Failed", "Failed", f"InternalServerError: local SageMaker: {error}")
        finally:
            shutil.rmtree(work, ignore_errors=True)
            print(f"local-sagemaker: {self.name} {self.status.status}", flush=True)

    def _run_in(self, work: Path) -> None:
        role = RoleSession(self.request["RoleArn"], self._account, self._region, self._endpoint)
        s3 = role.client("s3")
        self.status.secondary("Downloading")
        self.status.started()
        self._reference = container.pull(
            self.settings.docker, self._image(), self.settings.registry
        )
        job_dir = work / "job"
        self._lay_out(job_dir, s3, role.role_arn)
        checkpoint = self.request.get("CheckpointConfig")
        checkpoint_dir = work / "checkpoints" if checkpoint else None
        if checkpoint:
            transfer.sync_down(s3, role.role_arn, checkpoint["S3Uri"], checkpoint_dir)
        if self._stop_reason:
            return self._finish(s3, role.role_arn, job_dir, None)
        self.status.secondary("Training")
        exit_code = self._train(role, job_dir, checkpoint_dir)
        if checkpoint:
            transfer.sync_up(s3, role.role_arn, checkpoint_dir, checkpoint["S3Uri"])
        self._finish(s3, role.role_arn, job_dir, exit_code)

    def _image(self) -> str:
        return self.request["AlgorithmSpecification"]["TrainingImage"]

    def _lay_out(self, job_dir: Path, s3: Any, role_arn: str) -> None:
        """``input/config/*.json`` as the platform writes them, and every channel's files."""
        channels = self.request.get("InputDataConfig") or []
        write_job_folder(
            job_dir,
            self.request.get("HyperParameters") or {},
            [c["ChannelName"] for c in channels],
            instance_type=self.request["ResourceConfig"]["InstanceType"],
        )
        for channel in channels:
            uri = channel["DataSource"]["S3DataSource"]["S3Uri"]
            transfer.download_channel(
                s3, role_arn, uri, job_dir / "input" / "data" / channel["ChannelName"]
            )

    def _train(self, role: RoleSession, job_dir: Path, checkpoint_dir: Path | None) -> int:
        environment = {"TRAINING_JOB_NAME": self.name, **(self.request.get("Environment") or {})}
        command = container.run_command(
            self.settings.docker,
            self._container_name,
            self._reference,
            job_dir,
            environment,
            self.request["AlgorithmSpecification"],
            bool(self.request.get("EnableNetworkIsolation")),
            checkpoint_dir,
        )
        metrics = [
            (m["Name"], re.compile(m["Regex"]))
            for m in self.request["AlgorithmSpecification"].get("MetricDefinitions") or []
        ]
        log = JobLog(role.client("logs"), self.name, HOST)
        limit = (self.request.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds")
        timer = threading.Timer(limit, self.stop, ("MaxRuntimeExceeded",)) if limit else None
        try:
            with self._lock:
                if self._stop_reason:
                    return 0
                self._process = subprocess.Popen(
                    command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
                )
            if timer:
                timer.start()
            for line in self._process.stdout:
                log.write(line)
                self._record_metrics(metrics, line)
            return self._process.wait()
        finally:
            if timer:
                timer.cancel()
            log.close()

    def _record_metrics(self, metrics: list[tuple[str, re.Pattern]], line: str) -> None:
        for name, pattern in metrics:
            match = pattern.search(line)
            if match:
                try:
                    self.status.metric(name, float(match.group(1)))
                except ValueError:
                    continue

    def _finish(self, s3: Any, role_arn: str, job_dir: Path, exit_code: int | None) -> None:
        """Upload the model (also after a stop, as SageMaker does) and set the final status."""
        self.status.secondary("Uploading")
        model_uri = "/".join(
            (self.request["OutputDataConfig"]["S3OutputPath"].rstrip("/"), self.name, "output")
        )
        transfer.upload_model(
            s3,
            role_arn,
            job_dir / MODEL_DIR,
            job_dir / MODEL_ARCHIVE,
            f"{model_uri}/{MODEL_ARCHIVE}",
        )
        if self._stop_reason:
            self.status.end("Stopped", self._stop_reason)
        elif exit_code == 0:
            self.status.end("Completed", "Completed")
        else:
            self.status.end("Failed", "Failed", _failure_reason(job_dir, exit_code))


def _failure_reason(job_dir: Path, exit_code: int | None) -> str:
    """``AlgorithmError: `` and the start of output/failure, as SageMaker reports it."""
    failure = job_dir / OUTPUT_DIR / FAILURE_FILE
    text = failure.read_text(errors="replace").strip() if failure.is_file() else ""
    return f"AlgorithmError: {text[:FAILURE_REASON_CHARACTERS] or f'Exit Code: {exit_code}'}"
