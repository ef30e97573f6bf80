"""The XGBoost regressor as a client sees it: read ``model.ubj``, predict, score.

A client (the Kedro plugin) names this class in its configuration and reaches the model
only through it, so the client never assumes a file name or format.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import xgboost as xgb

from training_contract.scores import regression_metrics

from . import artifact
from .model import HYPERPARAMETERS

if TYPE_CHECKING:
    import pandas as pd


class XGBoostRegressorAdapter:
    """Reads, predicts with and scores the XGBoost regressor's ``model.ubj``."""

    hyperparameters = HYPERPARAMETERS

    def load(self, files: Mapping[str, bytes], where: str) -> xgb.Booster:
        """The checked booster from the artifact's files (``where`` names the archive in
        sentences); ValueError with one sentence if they do not hold one."""
        if artifact.MODEL_FILE not in files:
            raise ValueError(
                f"{where} has no {artifact.MODEL_FILE} at its top level (it holds "
                f"{', '.join(sorted(files)) or 'nothing'}); retrain with the XGBoost "
                "regressor's image."
            )
        try:
            return artifact.read(files[artifact.MODEL_FILE])
        except artifact.ModelDocumentError as error:
            raise ValueError(error.sentence(where)) from error

    def predict(self, model: xgb.Booster, X: pd.DataFrame) -> np.ndarray:
        """Predictions for the rows of ``X`` (the model's feature columns, by name)."""
        rows = X[list(model.feature_names or ())].to_numpy("float64")
        return model.inplace_predict(rows).astype("float64")

    def metrics(self, actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
        """R², MAE and max error, as training reports them."""
        return regression_metrics(actual, predicted)
