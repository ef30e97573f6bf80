"""Exact least-squares regression, streamed: the linear model as the contract trains it.

Two passes over the channel: the first sums what an exact fit needs, the second measures
the fit. Memory is bounded by a parquet row group, not by the channel.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from training_contract.channel import Channel
from training_contract.hyperparameters import Hyperparameter
from training_contract.model import Model, TrainingJob
from training_contract.scores import Scores

from . import artifact, regression

HYPERPARAMETERS = (
    Hyperparameter(
        "features", list, default=(), help="the feature columns, in order; all by default"
    ),
    Hyperparameter("fit_intercept", bool, default=True, help="fit an intercept"),
    Hyperparameter("positive", bool, default=False, help="force non-negative coefficients"),
)


def train(job: TrainingJob) -> dict[str, float]:
    """Fit on the ``train`` channel; write ``model.json``; return R², MAE and max error."""
    params = job.hyperparameters
    data = Channel(job.channel(), params["features"])
    moments = regression.Moments(len(data.features))
    for X, y in data.checked_batches():
        moments.add(X, y)
    job.log(f"Fitting on {moments.count} rows and {len(data.features)} features")
    fitted = regression.solve(moments, params["fit_intercept"], params["positive"])
    scores = Scores(target_mean=float(moments.mean[-1]))
    for X, y in data.batches():
        scores.add(y, fitted.predict(X))
    document = artifact.document(fitted, data.features, params["fit_intercept"], params["positive"])
    (job.model_dir / artifact.MODEL_FILE).write_text(json.dumps(document, indent=2))
    return scores.metrics()


def fit_arrays(
    X: np.ndarray,
    y: np.ndarray,
    features: Sequence[str],
    fit_intercept: bool = True,
    positive: bool = False,
) -> dict:
    """The ``model.json`` document for rows in memory, with the same solver as ``train``."""
    moments = regression.Moments(len(features))
    moments.add(np.asarray(X, dtype="float64"), np.asarray(y, dtype="float64"))
    fitted = regression.solve(moments, fit_intercept, positive)
    return artifact.document(fitted, features, fit_intercept, positive)


MODEL = Model(name="linear-regression", hyperparameters=HYPERPARAMETERS, train=train)
