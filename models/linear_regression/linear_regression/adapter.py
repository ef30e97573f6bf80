"""The linear model as a client sees it: read ``model.json``, predict, score.

A client (the Kedro plugin) names this class in its configuration and reaches the model
only through it, so the client never assumes a file name or format.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from training_contract.scores import regression_metrics

from . import artifact
from .model import HYPERPARAMETERS

if TYPE_CHECKING:
    import pandas as pd


class LinearRegressionAdapter:
    """Reads, predicts with and scores the linear model's ``model.json``."""

    hyperparameters = HYPERPARAMETERS

    def load(self, files: Mapping[str, bytes], where: str) -> dict[str, Any]:
        """The checked ``model.json`` document from the artifact's files (``where`` names
        the archive in sentences); ValueError with one sentence if it is not one."""
        if artifact.MODEL_FILE not in files:
            raise ValueError(
                f"{where} has no {artifact.MODEL_FILE} at its top level (it holds "
                f"{', '.join(sorted(files)) or 'nothing'}); retrain with the linear "
                "regression's image."
            )
        try:
            return artifact.parse_document(files[artifact.MODEL_FILE])
        except artifact.ModelDocumentError as error:
            raise ValueError(error.sentence(where)) from error

    def predict(self, model: Mapping[str, Any], X: pd.DataFrame) -> np.ndarray:
        """Predictions for the rows of ``X`` (its feature columns, by name)."""
        return artifact.predict(model, X[list(model["features"])].to_numpy("float64"))

    def metrics(self, actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
        """R², MAE and max error, as training reports them."""
        return regression_metrics(actual, predicted)
