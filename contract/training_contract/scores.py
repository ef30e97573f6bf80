"""Regression scores over a stream of batches: R², mean absolute error and max error.

Models report them as training metrics, and clients score a model on held-out data with
the same code, so the two agree. They equal scikit-learn's ``r2_score``,
``mean_absolute_error`` and ``max_error``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Scores:
    """R², mean absolute error and max error, summed over a second pass of batches."""

    target_mean: float
    count: int = 0
    squared_error: float = 0.0
    squared_total: float = 0.0
    absolute_error: float = 0.0
    max_error: float = 0.0

    def add(self, y: np.ndarray, predicted: np.ndarray) -> None:
        error = y - predicted
        self.count += len(y)
        self.squared_error += float(error @ error)
        centred = y - self.target_mean
        self.squared_total += float(centred @ centred)
        np.abs(error, out=error)
        self.absolute_error += float(error.sum())
        self.max_error = max(self.max_error, float(error.max(initial=0.0)))

    def metrics(self) -> dict[str, float]:
        """The same numbers as scikit-learn's r2_score, mean_absolute_error and max_error."""
        if self.squared_total == 0:
            r2 = 1.0 if self.squared_error == 0 else 0.0
        else:
            r2 = 1.0 - self.squared_error / self.squared_total
        return {
            "r2": r2,
            "mae": self.absolute_error / max(self.count, 1),
            "max_error": self.max_error,
        }


def regression_metrics(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """R², MAE and max error of ``predicted`` against ``actual``, in one pass."""
    actual = np.asarray(actual, dtype="float64")
    scores = Scores(target_mean=float(actual.mean()))
    scores.add(actual, np.asarray(predicted, dtype="float64").copy())
    return scores.metrics()
