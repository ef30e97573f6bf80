"""The shape of ``training`` and ``model_options`` in the parameters: keys, types, ranges.

Unknown keys are refused (``extra="forbid"``) everywhere except among the estimator's
arguments, which are checked against the estimator class itself (``estimator_args``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError

from training_contract.errors import short_value

from .findings import Findings
from .origin import ConfigOrigin

# For a required key without a hint of its own below.
MISSING_HINT = "it has no default"
_HINTS = {
    "model_options.features": "write it as a YAML list of column names, one per line",
    "model_options.target": "name the table's column the model predicts",
    "model_options.test_size": "give the share of rows kept for testing, such as 0.2",
    "model_options.random_state": "give a whole number, such as 3",
    "training.estimator.class": "name the estimator class by its import path",
    "training.job_name_prefix": "use a short name of letters, digits and hyphens",
    "training.channel": "name the folder the catalog saves X_train and y_train in, such as "
    "data/05_model_input/train",
    "training.estimator": "give its class and the class's arguments, such as class: "
    "kedro_sagemaker_byoc.backends.local_estimator.LocalToolkitEstimator with entry_point "
    "and output_path",
    "training.model_adapter": "name the model's adapter class by its import path, such as "
    "linear_regression.adapter.LinearRegressionAdapter",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ModelOptions(_Strict):
    """What the model learns from: the table's feature and target columns, the split, and
    the hyperparameters sent to the image."""

    target: str = Field(min_length=1)
    test_size: float = Field(gt=0, lt=1)
    random_state: int | None = None
    features: list[str] = Field(min_length=1)
    hyperparameters: dict[str, Any] = Field(default_factory=dict)


class ImageRecord(_Strict):
    """What scripts/build_and_push.sh found in the image it built (globals_image.yml)."""

    digest: str
    platform: str
    train: str
    train_shebang_crlf: StrictBool = False
    sagemaker_program: str
    program_found: StrictBool
    unbuffered: StrictBool
    size_bytes: int = Field(ge=0)
    ecr_repository: str


class Preflight(_Strict):
    aws: StrictBool = False
    image_record: ImageRecord | None = None


class MetricDefinition(_Strict):
    Name: str
    Regex: str


class Tag(_Strict):
    Key: str
    Value: str


class Estimator(BaseModel):
    """The estimator's arguments that this project sets; any other goes to the class check."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    class_: str = Field(alias="class", min_length=1)
    image_uri: str | None = None
    role: str | None = None
    instance_type: str | None = None
    instance_count: int | None = Field(default=None, ge=1)
    volume_size: int | None = Field(default=None, ge=1)
    input_mode: Literal["File", "FastFile"] | None = None
    max_run: int | None = Field(default=None, ge=1)
    max_wait: int | None = Field(default=None, ge=1)
    use_spot_instances: StrictBool | None = None
    checkpoint_s3_uri: str | None = None
    output_path: str | None = None
    enable_network_isolation: StrictBool | None = None
    metric_definitions: list[MetricDefinition] | None = None
    tags: list[Tag] | None = None
    environment: dict[str, str] | None = None
    volume_kms_key: str | None = None
    output_kms_key: str | None = None
    subnets: list[str] | None = None
    security_group_ids: list[str] | None = None
    source_dir: str | None = None
    entry_point: str | None = None


class ArtifactLimits(_Strict):
    """Caps on ``model.tar.gz`` (``training.artifact_limits``): past one, it is refused.

    The archive is read as a stream and the first cap crossed stops the reading, so a
    hostile archive costs little. The defaults fit models of a few hundred MiB.
    """

    max_archive_bytes: int = Field(default=512 * 2**20, ge=1)
    max_unpacked_bytes: int = Field(default=1024 * 2**20, ge=1)
    max_entries: int = Field(default=1000, ge=1)
    max_file_bytes: int = Field(default=512 * 2**20, ge=1)


class Training(_Strict):
    model_adapter: str = Field(min_length=1)
    artifact_limits: ArtifactLimits = Field(default_factory=ArtifactLimits)
    job_name_prefix: str = Field(min_length=1)
    channel: str = Field(min_length=1)
    channel_upload: str | None = None
    reuse: StrictBool = True
    preflight: Preflight = Field(default_factory=Preflight)
    estimator: Estimator

    def s3_locations(self) -> dict[str, str | None]:
        """Each setting that names an S3 location, by its key, with its value or None."""
        return {
            "training.channel_upload": self.channel_upload,
            "training.estimator.output_path": self.estimator.output_path,
            "training.estimator.checkpoint_s3_uri": self.estimator.checkpoint_s3_uri,
        }


def parse_model_options(raw: Any, origin: ConfigOrigin, findings: Findings) -> ModelOptions | None:
    """``model_options`` as a checked object, or None with a sentence per problem."""
    return _parse(ModelOptions, "model_options", raw, origin, findings)


def parse_training(raw: Any, origin: ConfigOrigin, findings: Findings) -> Training | None:
    """``training`` as a checked object, or None with a sentence per problem."""
    return _parse(Training, "training", raw, origin, findings)


def _parse(model: type[BaseModel], root: str, raw: Any, origin, findings: Findings):
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        for problem in error.errors():
            findings.fail(_sentence(root, problem, origin))
        return None


def _sentence(root: str, problem: dict, origin: ConfigOrigin) -> str:
    key = root
    for part in problem["loc"]:
        key += f"[{part}]" if isinstance(part, int) else f".{part}"
    if problem["type"] == "extra_forbidden":
        parent = key.rpartition(".")[0]
        return (
            f"{origin.where(key)} is not a setting this project knows; remove it or fix its "
            f"spelling (see the other keys under {parent})."
        )
    if problem["type"] == "missing":
        return f"{origin.where(key)} is missing; add it ({_HINTS.get(key, MISSING_HINT)})."
    reason = problem["msg"][0].lower() + problem["msg"][1:]
    what = f"is {short_value(problem['input'])}, but {reason.removeprefix('input ')}"
    return f"{origin.where(key)} {what}; {_HINTS.get(key, 'fix the value there')}."
