"""A training backend on SageMaker SDK v3 (sagemaker-train and sagemaker-core).

SDK v3 has no ``Estimator``: training goes through ``ModelTrainer`` and sagemaker-core's
resource classes. ``ModelTrainerEstimator`` takes the configuration keys that
``sagemaker.estimator.Estimator`` takes in ``training.estimator`` and gives the training
node the slice of the Estimator it uses: ``fit``, ``latest_training_job`` (``describe``,
``wait``, ``stop``) and ``follow_job`` (attach by name). Two routes:

- ``instance_type: local`` (or ``local_gpu``): the image runs here through ModelTrainer's
  ``Mode.LOCAL_CONTAINER`` (``local_container``), as SDK v2's local mode runs it.
- anything else: a SageMaker training job, created with sagemaker-core's
  ``TrainingJob.create`` under the node's own job name. ``ModelTrainer.train`` would name
  the job ``<base_job_name>-<local time>`` itself, and building a ModelTrainer for
  SageMaker checks the role with iam:SimulatePrincipalPolicy, which the submitter policy
  (scripts/iam) does not grant; the pre-flight checks the role instead.

The SDK is imported when a job starts, not with this module, so the pre-flight and the
default environment never pay for importing it (``benchmarks/sdk_import_time.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import boto3

from .core_job import CoreTrainingJob
from .job_request import create_arguments
from .local_estimator import LocalTrainingJob

LOCAL_INSTANCE_TYPES = ("local", "local_gpu")
# SDK v2's default; ModelTrainer's is 3,600 s, which would stop longer jobs that v2 let run.
DEFAULT_MAX_RUN = 24 * 3600


class ModelTrainerEstimator:
    """Run the image ``image_uri`` as a training job through SDK v3."""

    def __init__(
        self,
        image_uri: str,
        instance_type: str,
        output_path: str,
        role: str | None = None,
        instance_count: int = 1,
        volume_size: int = 30,
        max_run: int = DEFAULT_MAX_RUN,
        max_wait: int | None = None,
        use_spot_instances: bool = False,
        checkpoint_s3_uri: str | None = None,
        input_mode: str = "File",
        enable_network_isolation: bool = False,
        subnets: list[str] | None = None,
        security_group_ids: list[str] | None = None,
        volume_kms_key: str | None = None,
        output_kms_key: str | None = None,
        metric_definitions: list[Mapping[str, str]] | None = None,
        tags: list[Mapping[str, str]] | None = None,
        environment: Mapping[str, str] | None = None,
        container_entry_point: list[str] | None = None,
        container_arguments: list[str] | None = None,
        disable_profiler: bool = False,
        debugger_hook_config: bool = False,
        hyperparameters: Mapping[str, Any] | None = None,
        boto_session: boto3.Session | None = None,
    ) -> None:
        self.local = instance_type in LOCAL_INSTANCE_TYPES
        if not self.local and not role:
            raise ValueError(
                "training.estimator.role is missing; a SageMaker training job runs as an "
                "execution role, so give its full ARN."
            )
        if self.local and (container_entry_point or container_arguments):
            raise ValueError(
                "training.estimator.container_entry_point and container_arguments are not "
                "used in local container mode, where ModelTrainer runs the image's own "
                "command; remove them there."
            )
        if debugger_hook_config:
            # v2 added a Debugger hook unless this was false; v3 adds none, and nor do we.
            raise ValueError(
                "training.estimator.debugger_hook_config must be false: SageMaker Debugger "
                "hooks are not set through the SDK v3 backend."
            )
        self.image_uri = image_uri
        self.instance_type = instance_type
        self.instance_count = instance_count
        self.output_path = output_path
        self.role = role
        self.settings = {
            "volume_size": volume_size,
            "max_run": max_run,
            "max_wait": max_wait,
            "use_spot_instances": use_spot_instances,
            "checkpoint_s3_uri": checkpoint_s3_uri,
            "input_mode": input_mode,
            "enable_network_isolation": enable_network_isolation,
            "subnets": subnets,
            "security_group_ids": security_group_ids,
            "volume_kms_key": volume_kms_key,
            "output_kms_key": output_kms_key,
            "metric_definitions": list(metric_definitions or []),
            "tags": list(tags or []),
            "container_entry_point": container_entry_point,
            "container_arguments": container_arguments,
            "disable_profiler": disable_profiler,
        }
        self.environment = dict(environment or {})
        # What SageMaker stores and the image receives: v2's Estimator sends str(value), and
        # ModelTrainer would JSON-encode anything but a string (True as "true", a list as
        # JSON), so str() here keeps every value the image sees what it was under v2.
        self.hyperparameters = {str(k): str(v) for k, v in (hyperparameters or {}).items()}
        self.boto_session = boto_session
        self.latest_training_job: CoreTrainingJob | LocalTrainingJob | None = None

    def fit(
        self, inputs: Mapping[str, str], job_name: str, wait: bool = True, logs: bool = True
    ) -> None:
        """Run a job named ``job_name`` on the channels ``inputs`` (name to URI)."""
        if self.local:
            from .local_container import run_local_container

            self.latest_training_job = None
            description = run_local_container(self, inputs, job_name, logs=logs)
            self.latest_training_job = LocalTrainingJob(description)
            return
        from sagemaker.core.resources import TrainingJob

        session = self.boto_session or boto3.Session()
        # The handle comes first, so a Ctrl-C during the create call still finds the job
        # by its name and stops it.
        self.latest_training_job = CoreTrainingJob(job_name, session)
        TrainingJob.create(
            training_job_name=job_name,
            **create_arguments(self, inputs),
            session=session,
            region=session.region_name,
        )
        if wait:
            self.latest_training_job.wait(logs=logs)

    def follow_job(self, job_name: str) -> None:
        """Wait, with its logs, for a job an earlier run started (attach by name)."""
        session = self.boto_session or boto3.Session()
        self.latest_training_job = CoreTrainingJob(job_name, session)
        self.latest_training_job.wait(logs=True)
