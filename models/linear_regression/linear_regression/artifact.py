"""The linear model's artifact: ``model.json``, writing it and reading it back strictly.

The model crosses S3 inside ``model.tar.gz``, so it is stored as plain JSON
(coefficients and intercept), never as a pickle that would run code when loaded.
"""

from __future__ import annotations

import json
import math
import reprlib
from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any

import numpy as np

from . import regression

MODEL_FILE = "model.json"
MODEL_FORMAT = "streamed-linear-regression/1"
# The keys of model.json and of its "hyperparameters", exactly as to_document writes them.
DOCUMENT_KEYS = ("format", "features", "coefficients", "intercept", "hyperparameters")
HYPERPARAMETER_KEYS = ("fit_intercept", "positive")
_SHORT = reprlib.Repr()
_SHORT.maxstring = 80


class ModelDocumentError(ValueError):
    """``model.json`` is not a model of ``MODEL_FORMAT``; ``key`` says where it went wrong."""

    def __init__(self, key: str | None, problem: str) -> None:
        self.key = key
        self.problem = problem
        super().__init__(self.sentence())

    def sentence(self, where: str | None = None) -> str:
        """The one sentence a user reads, naming the key and, if given, the file it came from."""
        # A hostile key may be megabytes long; the sentence shows its start.
        subject = MODEL_FILE if self.key is None else f"{MODEL_FILE} key {_SHORT.repr(self.key)}"
        place = f" in {where}" if where else ""
        return f"{subject}{place} {self.problem}; retrain with the linear regression's image."


def predict(document: Mapping[str, Any], X: np.ndarray) -> np.ndarray:
    """Prices for rows of ``document["features"]``, from a checked ``model.json`` document."""
    coefficients = np.asarray(document["coefficients"], dtype="float64")
    return regression.Fit(coefficients, float(document["intercept"])).predict(X)


def document(
    fitted: regression.Fit, features: Sequence[str], fit_intercept: bool, positive: bool
) -> dict[str, Any]:
    """The JSON document that ``model.json`` holds, for a fit of ``features``."""
    return {
        "format": MODEL_FORMAT,
        "features": list(features),
        "coefficients": [float(c) for c in fitted.coefficients],
        "intercept": float(fitted.intercept),
        "hyperparameters": {"fit_intercept": fit_intercept, "positive": positive},
    }


def parse_document(raw: bytes | str) -> dict[str, Any]:
    """Parse the text of ``model.json`` as standard JSON and check it with ``check_document``."""
    try:
        document = json.loads(
            raw,
            # NaN and Infinity are not JSON; read them (and numbers past float range, which
            # would otherwise hit Python's int-string limit) as non-finite floats, which
            # check_document then refuses naming the key.
            parse_constant=float,
            parse_int=float,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as exc:
        raise ModelDocumentError(None, f"is not valid JSON ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise ModelDocumentError(None, "is not UTF-8 text") from exc
    except RecursionError as exc:
        raise ModelDocumentError(None, "nests lists or objects too deeply") from exc
    check_document(document)
    return document


def check_document(document: Mapping[str, Any]) -> regression.Fit:
    """Check a ``model.json`` document strictly and return the fit it holds.

    Raises ModelDocumentError naming the first key that is missing, extra or malformed.
    """
    if not isinstance(document, Mapping):
        raise ModelDocumentError(None, "is not a JSON object")
    if "format" in document and document["format"] != MODEL_FORMAT:
        raise ModelDocumentError(
            "format",
            f"is {_SHORT.repr(document['format'])}, not {MODEL_FORMAT!r}",
        )
    _exact_keys(document, DOCUMENT_KEYS, "")
    features = document["features"]
    if not isinstance(features, list) or not features:
        raise ModelDocumentError("features", "must be a non-empty list of feature names")
    seen: set[str] = set()
    for index, name in enumerate(features):
        if not isinstance(name, str) or not name:
            raise ModelDocumentError(f"features[{index}]", "must be a non-empty string")
        if name in seen:
            raise ModelDocumentError(f"features[{index}]", f"repeats {_SHORT.repr(name)}")
        seen.add(name)
    coefficients = document["coefficients"]
    if not isinstance(coefficients, list) or len(coefficients) != len(features):
        raise ModelDocumentError(
            "coefficients", f"must be a list of one number per feature ({len(features)})"
        )
    weights = [_finite(value, f"coefficients[{i}]") for i, value in enumerate(coefficients)]
    intercept = _finite(document["intercept"], "intercept")
    settings = document["hyperparameters"]
    if not isinstance(settings, Mapping):
        raise ModelDocumentError("hyperparameters", "must be an object")
    _exact_keys(settings, HYPERPARAMETER_KEYS, "hyperparameters.")
    for name in HYPERPARAMETER_KEYS:
        if not isinstance(settings[name], bool):
            raise ModelDocumentError(f"hyperparameters.{name}", "must be true or false")
    return regression.Fit(np.asarray(weights), intercept)


def _exact_keys(mapping: Mapping[str, Any], expected: tuple[str, ...], prefix: str) -> None:
    for name in expected:
        if name not in mapping:
            raise ModelDocumentError(f"{prefix}{name}", "is missing")
    for name in mapping:
        if name not in expected:
            raise ModelDocumentError(f"{prefix}{name}", "is not part of the model format")


def _finite(value: Any, key: str) -> float:
    # bool is an int in Python, but true is no coefficient.
    if not isinstance(value, Real) or isinstance(value, bool):
        raise ModelDocumentError(key, f"must be a number, not {_json_kind(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ModelDocumentError(
            key, "is not a finite number (NaN, Infinity and numbers beyond float range are refused)"
        )
    return number


def _json_kind(value: Any) -> str:
    for kind, name in ((bool, "true or false"), (str, "a string"), (Mapping, "an object")):
        if isinstance(value, kind):
            return name
    return "a list" if isinstance(value, list) else "null" if value is None else repr(value)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json keeps the last of two equal keys silently; a model must not be read two ways.
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise ModelDocumentError(key, "appears twice")
        document[key] = value
    return document
