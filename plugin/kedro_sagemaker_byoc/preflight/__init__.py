"""The pre-flight: every check that can fail a training job, run before anything is paid for.

``check`` runs them all, collects one sentence per problem, logs the warnings, and raises a
single ``PreflightError`` listing every failure. It writes nothing and starts nothing; in
an environment with ``training.preflight.aws: false`` it makes no AWS call.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pandas as pd

from training_contract import channel, hyperparameters
from training_contract.environment import TRAIN_CHANNEL
from training_contract.errors import TrainingInputError

from ..jobs import unique_job_name
from ..model_adapter import ModelAdapter, ModelAdapterError, load_adapter
from . import aws_identity, aws_network, aws_storage, image, limits
from .aws_calls import AwsCalls
from .estimator_args import NODE_ARGUMENTS, check_class_spec
from .findings import Findings, PreflightError
from .job_settings import check_settings
from .origin import ConfigOrigin, current
from .role_access import check_role_access
from .schema import ModelOptions, Training, parse_model_options, parse_training

__all__ = ["Checked", "PreflightError", "check", "check_model_options"]

logger = logging.getLogger(__name__)
# The hyperparameter a tabular model reads its columns from (training_contract.channel).
FEATURES = "features"


@dataclass(frozen=True)
class Checked:
    """What the checks settled: the job's name and its hyperparameters as SageMaker stores them."""

    job_name: str
    hyperparameters: dict[str, str]
    # The checked training settings: what the steps after the pre-flight read.
    settings: Training


def check_model_options(
    model_options: Any, origin: ConfigOrigin | None = None, columns: list[str] | None = None
) -> ModelOptions:
    """``model_options`` checked alone (``split_data`` needs it before any training config),
    and, given the table's ``columns``, that the features and the target are among them."""
    origin = origin or current()
    findings = Findings()
    options = parse_model_options(model_options, origin, findings)
    if options is not None and columns is not None:
        named = {name: "model_options.features" for name in options.features}
        named[options.target] = "model_options.target"
        for name, key in named.items():
            if name not in columns:
                findings.fail(
                    f"The table has no column {name!r}, which {origin.where(key)} names; "
                    "use the table's own column names."
                )
    findings.raise_if_failed()
    return options


def check(
    training: Mapping[str, Any],
    model_options: Mapping[str, Any],
    X: pd.DataFrame | None = None,
    y: pd.DataFrame | None = None,
    origin: ConfigOrigin | None = None,
    session: boto3.Session | None = None,
) -> Checked:
    """Run every check that applies; raise one PreflightError listing all failures."""
    origin = origin or current()
    findings = Findings()
    options = parse_model_options(model_options, origin, findings)
    config = parse_training(training, origin, findings)
    adapter = _adapter(config, findings) if config else None
    stored = _hyperparameters(options, adapter, findings, origin) if options and adapter else {}
    if options and X is not None and y is not None:
        _guard(findings, origin, channel.validate_training_data, X, y, options.features)
    job_name = ""
    if config is not None:
        check_class_spec(
            training["estimator"], "training.estimator", origin, findings, NODE_ARGUMENTS
        )
        job_name = unique_job_name(config.job_name_prefix)
        limits.check_job_name(job_name, "training.job_name_prefix", origin, findings)
        limits.check_maps(
            stored, {TRAIN_CHANNEL: config.channel}, config.estimator, origin, findings
        )
        check_settings(config, origin, findings)
        if config.preflight.aws:
            _check_aws(
                config, job_name, _folder_bytes(Path(config.channel)), origin, findings, session
            )
    for warning in findings.warnings:
        logger.warning("Pre-flight: %s", warning)
    findings.raise_if_failed()
    logger.info("Pre-flight passed (%d warnings).", len(findings.warnings))
    return Checked(job_name, stored, config)


def _adapter(config, findings: Findings) -> ModelAdapter | None:
    try:
        return load_adapter(config.model_adapter)
    except ModelAdapterError as error:
        findings.fail(str(error))
        return None


def _hyperparameters(
    options: ModelOptions, adapter: ModelAdapter, findings: Findings, origin: ConfigOrigin
) -> dict[str, str]:
    """The hyperparameters as SageMaker will store them, parsed back as the image will.

    The model's own declarations type-check them, so a wrong type is one sentence naming
    the key here, not a failed job. A model that reads a tabular channel declares
    ``features``; it gets ``model_options.features``.
    """
    values = dict(options.hyperparameters)
    if any(spec.name == FEATURES for spec in adapter.hyperparameters):
        _guard(findings, origin, channel.check_feature_names, options.features)
        values[FEATURES] = list(options.features)
    stored = hyperparameters.to_sagemaker(values)
    _guard(
        findings,
        origin,
        hyperparameters.parse,
        adapter.hyperparameters,
        hyperparameters.to_args(stored),
    )
    return stored


def _guard(findings: Findings, origin: ConfigOrigin, function, *args: Any) -> Any:
    """Run one of the image's own checks; its sentence, plus the setting behind the
    hyperparameter it names, becomes a finding."""
    try:
        return function(*args)
    except TrainingInputError as error:
        findings.fail(_with_setting(str(error), error.hyperparameter, origin))
        return None


def _with_setting(sentence: str, hyperparameter: str | None, origin: ConfigOrigin) -> str:
    """The image speaks of hyperparameters; add the model option in conf/ that sets it."""
    if hyperparameter is None:
        return sentence
    key = (
        "model_options.features"
        if hyperparameter == FEATURES
        else (f"model_options.hyperparameters.{hyperparameter}")
    )
    return f"{sentence.rstrip('.')}; it is set by {origin.where(key)}."


def _check_aws(config, job_name, channel_bytes, origin, findings, session) -> None:
    aws = AwsCalls(findings, session)
    if aws.region is None:
        findings.fail(
            "No AWS region is configured, so the job's region is unknown; set AWS_DEFAULT_REGION "
            "or run 'aws configure set region REGION'."
        )
        return
    aws_identity.check_role(config, aws, origin)
    ecr = image.ecr_image(config, origin, findings)
    check_role_access(config, ecr, aws, origin)
    if ecr is not None:
        present, image_bytes = aws_identity.check_image(ecr, aws, origin)
    else:
        present, image_bytes = image.private_registry(config), None
    if present:
        image.check_contents(config, ecr, aws, origin)
    aws_storage.check_buckets(config, aws, origin)
    aws_storage.check_kms_keys(config, aws, origin)
    aws_network.check_vpc(config, aws, origin)
    aws_identity.check_job_name(job_name, aws, origin)
    aws_storage.check_volume(config, image_bytes, channel_bytes, origin, aws)


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0
