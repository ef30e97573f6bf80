"""The XGBoost regressor's artifact: ``model.ubj``, XGBoost's own UBJSON, read back strictly.

``Booster.save_model`` writes it; no pickle crosses S3. Reading it back, every byte is
decoded in Python (``ubjson``) and checked against what this model writes (one
squared-error tree ensemble over named numeric features, tagged ``MODEL_FORMAT``: here
and in ``trees``) before XGBoost loads it, because XGBoost trusts what it reads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import xgboost as xgb

from . import trees, ubjson
from .document import MODEL_FILE, ModelDocumentError, keys, same, short

__all__ = ["MODEL_FILE", "MODEL_FORMAT", "ModelDocumentError", "check", "read", "write"]

MODEL_FORMAT = "xgboost-regressor/1"
OBJECTIVE = "reg:squarederror"
LEARNER_KEYS = (
    "attributes",
    "feature_names",
    "feature_types",
    "gradient_booster",
    "learner_model_param",
    "objective",
)


def write(booster: xgb.Booster, model_dir: Path, hyperparameters: Mapping[str, Any]) -> Path:
    """Tag ``booster`` with this model's format and save it as ``model_dir/model.ubj``."""
    settings = {k: list(v) if isinstance(v, tuple) else v for k, v in hyperparameters.items()}
    booster.set_attr(model_format=MODEL_FORMAT, hyperparameters=json.dumps(settings))
    path = model_dir / MODEL_FILE
    booster.save_model(path)  # the .ubj suffix selects UBJSON
    return path


def read(raw: bytes) -> xgb.Booster:
    """The booster in ``raw`` (the bytes of ``model.ubj``), checked before XGBoost loads it."""
    if not raw:
        raise ModelDocumentError(None, "is empty")
    if raw[:2] == b'{"':
        raise ModelDocumentError(None, "is JSON text, not the UBJSON that this model writes")
    try:
        document = ubjson.decode(raw)
    except ubjson.UBJSONError as error:
        raise ModelDocumentError(None, f"is not UBJSON as XGBoost writes it: it {error}") from error
    check(document)
    booster = xgb.Booster()
    try:
        booster.load_model(bytearray(raw))
    except xgb.core.XGBoostError as error:
        # XGBoost's message is "[time] file:line: reason", then a stack trace.
        reason = str(error).splitlines()[0].split(": ", 1)[-1]
        raise ModelDocumentError(None, f"is not a model XGBoost loads ({reason[:200]})") from error
    return booster


def check(document: Any) -> None:
    """Refuse, naming the first key at fault, anything this model's ``write`` would not make."""
    keys(document, "", ("learner", "version"))
    version = document["version"]
    if not (
        isinstance(version, list) and len(version) == 3 and all(type(v) is int for v in version)
    ):
        raise ModelDocumentError("version", "must be XGBoost's [major, minor, patch]")
    learner = document["learner"]
    keys(learner, "learner", LEARNER_KEYS)
    attributes = learner["attributes"]
    keys(attributes, "learner.attributes", ("hyperparameters", "model_format"))
    if not same(attributes["model_format"], MODEL_FORMAT):
        raise ModelDocumentError(
            "learner.attributes.model_format",
            f"is {short(attributes['model_format'])}, not {MODEL_FORMAT!r}",
        )
    features = _feature_names(learner["feature_names"])
    if not (
        same(learner["feature_types"], [])
        or same(learner["feature_types"], ["float"] * len(features))
    ):
        raise ModelDocumentError("learner.feature_types", "must be numeric features only")
    params = learner["learner_model_param"]
    expected = {"num_feature": str(len(features)), "num_target": "1", "num_class": "0"}
    for name, value in expected.items():
        if not isinstance(params, dict) or not same(params.get(name), value):
            raise ModelDocumentError(f"learner.learner_model_param.{name}", f"must be {value!r}")
    objective = learner["objective"]
    if not isinstance(objective, dict) or not same(objective.get("name"), OBJECTIVE):
        raise ModelDocumentError("learner.objective.name", f"must be {OBJECTIVE!r}")
    booster = learner["gradient_booster"]
    keys(booster, "learner.gradient_booster", ("model", "name"))
    if not same(booster["name"], "gbtree"):
        raise ModelDocumentError("learner.gradient_booster.name", "must be 'gbtree'")
    trees.check_ensemble(booster["model"], len(features))


def _feature_names(names: Any) -> list[str]:
    key = "learner.feature_names"
    if not isinstance(names, list) or not names:
        raise ModelDocumentError(key, "must be a non-empty list of feature names")
    if not all(isinstance(name, str) and name for name in names):
        raise ModelDocumentError(key, "must hold non-empty strings only")
    if len(set(names)) != len(names):
        raise ModelDocumentError(key, "must name each feature once")
    return names
