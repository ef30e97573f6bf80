"""Limits that CreateTrainingJob enforces (botocore's SageMaker model), checked offline.

Each would otherwise come back as a ValidationException naming an API field, after the
channel was uploaded; here the sentence names the configuration key instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from training_contract.environment import TRAIN_CHANNEL
from training_contract.errors import short_list, short_value

from .findings import Findings
from .origin import ConfigOrigin
from .schema import Estimator

JOB_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
CHANNEL_NAME = re.compile(r"^[A-Za-z0-9.\-_]{1,64}$")
ENV_KEY = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]{0,511}$")
ROLE_ARN = re.compile(r"^arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$")
KMS_KEY = re.compile(r"^[a-zA-Z0-9:/_-]*$")
MAX_RUN_LIMIT = 28 * 24 * 3600  # 2,419,200 seconds
MAX_IMAGE_URI = 255


def check_job_name(name: str, key: str, origin: ConfigOrigin, findings: Findings) -> None:
    if not JOB_NAME.fullmatch(name):
        findings.fail(
            f"The job name {short_value(name)} made from {origin.where(key)} is not 1-63 letters, "
            "digits and hyphens; shorten the prefix and keep to those characters."
        )


def check_maps(
    hyperparameters: Mapping[str, str],
    channels: Mapping[str, str],
    estimator: Estimator,
    origin: ConfigOrigin,
    findings: Findings,
) -> None:
    """Hyperparameters, environment, channels, metric definitions and tags."""
    hp_key = origin.where("model_options.hyperparameters")
    _check_map(hyperparameters, "hyperparameters", hp_key, 100, 256, 2500, findings)
    env = estimator.environment or {}
    env_key = origin.where("training.estimator.environment")
    _check_map(env, "environment variables", env_key, 100, 512, 512, findings)
    bad_env = [name for name in env if not ENV_KEY.fullmatch(name)]
    if bad_env:
        findings.fail(
            f"{env_key} has names SageMaker refuses ({short_list(bad_env)}); use letters, "
            "digits and underscores, not starting with a digit."
        )
    bad_channels = [name for name in channels if not CHANNEL_NAME.fullmatch(name)]
    if bad_channels or len(channels) > 20:
        findings.fail(
            f"The job's channels {short_list(channels)} break SageMaker's rules (at most 20, "
            "names of 1-64 letters, digits, '.', '-' and '_'); rename them."
        )
    if TRAIN_CHANNEL not in channels:
        findings.fail(
            f"The image reads the channel {TRAIN_CHANNEL!r}, but the job has "
            f"{short_list(channels)}; name the channel {TRAIN_CHANNEL!r}."
        )
    metrics = estimator.metric_definitions or []
    metrics_key = origin.where("training.estimator.metric_definitions")
    too_long = [m.Name for m in metrics if not 1 <= len(m.Name) <= 255 or len(m.Regex) > 500]
    if len(metrics) > 40 or too_long:
        findings.fail(
            f"{metrics_key} breaks SageMaker's limits (at most 40 definitions, Name 1-255 and "
            f"Regex up to 500 characters){_naming(too_long)}; shorten or drop some."
        )
    for metric in metrics:
        try:
            re.compile(metric.Regex)
        except re.error as exc:
            findings.fail(
                f"{metrics_key} has a Regex for {short_value(metric.Name)} that does not "
                f"compile ({exc}); fix the regular expression."
            )
    tags = estimator.tags or []
    bad_tags = [t.Key for t in tags if not 1 <= len(t.Key) <= 128 or len(t.Value) > 256]
    reserved = [t.Key for t in tags if t.Key.lower().startswith("aws:")]
    if len(tags) > 50 or bad_tags or reserved:
        findings.fail(
            f"{origin.where('training.estimator.tags')} breaks SageMaker's limits (at most 50 "
            "tags, Key 1-128 characters not starting with 'aws:', Value up to 256)"
            f"{_naming(bad_tags + reserved)}; fix those tags."
        )


def _check_map(values, what, key, entries, key_len, value_len, findings: Findings) -> None:
    if len(values) > entries:
        findings.fail(
            f"{key} gives {len(values)} {what}, more than SageMaker's {entries}; "
            "put large settings into a file in the channel instead."
        )
    long_keys = [name for name in values if len(name) > key_len]
    long_values = [name for name, value in values.items() if len(str(value)) > value_len]
    if long_keys or long_values:
        findings.fail(
            f"{key} has {what} longer than SageMaker allows (names up to {key_len}, values up "
            f"to {value_len} characters): {short_list(long_keys + long_values)}; shorten them "
            "or move them into a file in the channel."
        )


def _naming(names: list[str]) -> str:
    return f": {short_list(names)}" if names else ""
