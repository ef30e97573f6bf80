"""What SageMaker rejects when CreateTrainingJob is called, rejected the same way here.

Each check raises moto's ``ValidationError`` (SageMaker's ValidationException), so the
caller sees the error at API time, as on AWS, before anything runs.
"""

from __future__ import annotations

import json
import re
from typing import Any

from moto.iam.models import iam_backends
from moto.sagemaker.exceptions import ValidationError

JOB_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
CHANNEL_NAME = re.compile(r"^[A-Za-z0-9\.\-_]{1,64}$")
ROLE_ARN = re.compile(r"^arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$")
MAX_RUNTIME_LIMIT = 2_419_200  # 28 days
MAX_CHANNELS = 20
MAX_HYPERPARAMETERS = 100
SAGEMAKER_PRINCIPAL = "sagemaker.amazonaws.com"


def check_create_training_job(request: dict[str, Any], account_id: str) -> None:
    """Raise ValidationError for a request SageMaker would refuse."""
    _check_name(request["TrainingJobName"])
    _check_role(request["RoleArn"], account_id)
    _check_stopping(request)
    _check_channels(request.get("InputDataConfig") or [])
    hyperparameters = request.get("HyperParameters") or {}
    if len(hyperparameters) > MAX_HYPERPARAMETERS:
        raise ValidationError(
            f"HyperParameters has {len(hyperparameters)} entries; at most "
            f"{MAX_HYPERPARAMETERS} are allowed."
        )


def _check_name(name: str) -> None:
    if not JOB_NAME.match(name):
        raise ValidationError(
            f"1 validation error detected: Value '{name}' at 'trainingJobName' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: "
            "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"
        )


def _check_role(role_arn: str, account_id: str) -> None:
    """The role exists and trusts sagemaker.amazonaws.com, or SageMaker cannot assume it."""
    cannot_assume = ValidationError(
        f"Could not assume role {role_arn}. Please ensure that the role exists and allows "
        f"principal '{SAGEMAKER_PRINCIPAL}' to assume the role."
    )
    if not ROLE_ARN.match(role_arn):
        raise cannot_assume
    backend = iam_backends[account_id][role_arn.split(":")[1]]
    try:
        role = backend.get_role_by_arn(role_arn)
    except Exception as exc:  # noqa: BLE001 - moto raises its own not-found type
        raise cannot_assume from exc
    if not trusts_sagemaker(json.loads(role.assume_role_policy_document)):
        raise cannot_assume


def trusts_sagemaker(trust_policy: dict[str, Any]) -> bool:
    """Whether a trust policy lets SageMaker's service principal call sts:AssumeRole."""
    statements = trust_policy.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        actions = statement.get("Action", [])
        services = (statement.get("Principal") or {}).get("Service", [])
        if statement.get("Effect") != "Allow":
            continue
        if "sts:AssumeRole" in _as_list(actions) and SAGEMAKER_PRINCIPAL in _as_list(services):
            return True
    return False


def _check_stopping(request: dict[str, Any]) -> None:
    stopping = request.get("StoppingCondition") or {}
    max_run = stopping.get("MaxRuntimeInSeconds")
    max_wait = stopping.get("MaxWaitTimeInSeconds")
    spot = bool(request.get("EnableManagedSpotTraining"))
    if max_run is not None and not 1 <= max_run <= MAX_RUNTIME_LIMIT:
        raise ValidationError(
            f"MaxRuntimeInSeconds must be between 1 and {MAX_RUNTIME_LIMIT}; got {max_run}."
        )
    if max_wait is not None and not spot:
        raise ValidationError(
            "MaxWaitTimeInSeconds is only allowed with EnableManagedSpotTraining set to true."
        )
    if spot and max_wait is None:
        raise ValidationError("MaxWaitTimeInSeconds is required for managed spot training.")
    if spot and max_run is not None and max_wait < max_run:
        raise ValidationError(
            f"MaxWaitTimeInSeconds ({max_wait}) must be greater than or equal to "
            f"MaxRuntimeInSeconds ({max_run})."
        )


def _check_channels(channels: list[dict[str, Any]]) -> None:
    if len(channels) > MAX_CHANNELS:
        raise ValidationError(f"At most {MAX_CHANNELS} channels are allowed.")
    for channel in channels:
        name = channel["ChannelName"]
        if not CHANNEL_NAME.match(name):
            raise ValidationError(f"Channel name '{name}' must match [A-Za-z0-9.-_]{{1,64}}.")
        if "S3DataSource" not in channel.get("DataSource", {}):
            raise ValidationError(f"Channel '{name}' has no S3DataSource.")
        # A limit of this stand-in, not SageMaker's: it copies File-mode channels only.
        mode = channel.get("InputMode", "File")
        if mode != "File":
            raise ValidationError(
                f"Channel '{name}' uses InputMode {mode}; the local SageMaker runs File mode only."
            )


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
