"""The price model: fitting it, measuring it, and storing it as JSON.

The model crosses S3 inside ``model.tar.gz``, so it is stored as plain JSON
(coefficients and intercept), never as a pickle that would run code when loaded.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.metrics import max_error, mean_absolute_error, r2_score

from .hyperparameters import Hyperparameters

MODEL_FORMAT = "spaceflights-linear-regression/1"


def fit(X: pd.DataFrame, y: pd.Series, hyperparameters: Hyperparameters) -> LinearRegression:
    """Fit the price regression on checked training data."""
    model = LinearRegression(
        fit_intercept=hyperparameters.fit_intercept, positive=hyperparameters.positive
    )
    return model.fit(X, y)


def regression_metrics(y_true: pd.Series, y_pred: np.ndarray) -> dict[str, float]:
    """R², mean absolute error and max error, the numbers training and evaluation report."""
    return {
        "r2": float(r2_score(y_true, y_pred)),
        "mae": float(mean_absolute_error(y_true, y_pred)),
        "max_error": float(max_error(y_true, y_pred)),
    }


def to_document(model: LinearRegression, hyperparameters: Hyperparameters) -> dict[str, Any]:
    """The JSON document that ``model.json`` holds."""
    return {
        "format": MODEL_FORMAT,
        "features": list(model.feature_names_in_),
        "coefficients": [float(c) for c in model.coef_],
        "intercept": float(model.intercept_),
        "hyperparameters": {
            "fit_intercept": hyperparameters.fit_intercept,
            "positive": hyperparameters.positive,
        },
    }


def from_document(document: Mapping[str, Any]) -> LinearRegression:
    """Rebuild a fitted LinearRegression from ``model.json``; reject anything else."""
    if document.get("format") != MODEL_FORMAT:
        raise ValueError(
            f"model.json has format {document.get('format')!r}, expected {MODEL_FORMAT!r}; "
            "was the model trained by another image?"
        )
    features = [str(name) for name in document["features"]]
    coefficients = [float(c) for c in document["coefficients"]]
    intercept = float(document["intercept"])
    if len(features) != len(coefficients) or not all(map(math.isfinite, coefficients)):
        raise ValueError(
            "model.json is inconsistent: one finite coefficient per feature is needed."
        )
    model = LinearRegression(**document.get("hyperparameters", {}))
    model.coef_ = np.asarray(coefficients)
    model.intercept_ = intercept
    model.n_features_in_ = len(features)
    model.feature_names_in_ = np.asarray(features, dtype=object)
    return model
