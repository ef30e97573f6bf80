"""Regression scores over a stream of batches equal scikit-learn's, in one pass or many."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import max_error, mean_absolute_error, r2_score

from training_contract.scores import Scores, regression_metrics


def sklearn_metrics(actual, predicted) -> dict[str, float]:
    return {
        "r2": r2_score(actual, predicted),
        "mae": mean_absolute_error(actual, predicted),
        "max_error": max_error(actual, predicted),
    }


@pytest.fixture
def prediction():
    rng = np.random.default_rng(4)
    actual = rng.normal(1000.0, 50.0, 1000)
    return actual, actual + rng.normal(0.0, 10.0, 1000)


def test_streamed_scores_are_scikit_learns_metrics(prediction):
    actual, predicted = prediction
    scores = Scores(target_mean=float(actual.mean()))
    for start in range(0, len(actual), 97):
        scores.add(actual[start : start + 97], predicted[start : start + 97].copy())

    assert scores.metrics() == pytest.approx(sklearn_metrics(actual, predicted), rel=1e-10)


def test_regression_metrics_in_one_pass_are_scikit_learns(prediction):
    actual, predicted = prediction

    assert regression_metrics(actual, predicted) == pytest.approx(
        sklearn_metrics(actual, predicted), rel=1e-10
    )


def test_regression_metrics_leave_the_predictions_as_they_were(prediction):
    actual, predicted = prediction
    before = predicted.copy()

    regression_metrics(actual, predicted)

    np.testing.assert_array_equal(predicted, before)


def test_regression_metrics_of_a_perfect_prediction():
    metrics = regression_metrics([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert metrics == {"r2": 1.0, "mae": 0.0, "max_error": 0.0}


@pytest.mark.parametrize("predicted", [[5.0, 5.0, 5.0], [4.0, 5.0, 6.0]])
def test_a_constant_target_scores_as_scikit_learn_does(predicted):
    actual = [5.0, 5.0, 5.0]
    assert regression_metrics(actual, predicted) == pytest.approx(
        sklearn_metrics(actual, predicted)
    )
