"""The streamed exact fit against scikit-learn's LinearRegression, the model it stands for."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.metrics import max_error, mean_absolute_error, r2_score

from linear_regression.regression import Moments, solve
from spaceflights.pipelines.data_processing.nodes import (
    create_model_input_table,
    preprocess_companies,
    preprocess_shuttles,
)
from training_contract.scores import Scores

OPTIONS = [
    {"fit_intercept": True, "positive": False},
    {"fit_intercept": False, "positive": False},
    {"fit_intercept": True, "positive": True},
    {"fit_intercept": False, "positive": True},
]


def streamed(X: np.ndarray, y: np.ndarray, batch: int = 97, **options):
    moments = Moments(X.shape[1])
    for start in range(0, len(y), batch):
        moments.add(X[start : start + batch], y[start : start + batch])
    return moments, solve(moments, **options)


def assert_same_model(X, y, options, rtol=1e-9):
    reference = LinearRegression(**options).fit(X, y)
    _, fitted = streamed(X, y, **options)
    scale = np.abs(reference.coef_).max()
    assert np.abs(fitted.coefficients - reference.coef_).max() <= rtol * scale
    assert fitted.intercept == pytest.approx(reference.intercept_, rel=rtol, abs=rtol * scale)


@pytest.fixture(scope="module")
def tutorial(raw_data, model_options):
    table = create_model_input_table(
        preprocess_shuttles(pd.read_excel(raw_data / "shuttles.xlsx", engine="calamine")),
        preprocess_companies(pd.read_csv(raw_data / "companies.csv")),
        pd.read_csv(raw_data / "reviews.csv"),
    )
    X = table[model_options["features"]].to_numpy(dtype="float64")
    return X, table["price"].to_numpy(dtype="float64")


@pytest.mark.parametrize(
    "options", OPTIONS, ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items())
)
def test_the_tutorial_data_gives_scikit_learns_model(tutorial, options):
    assert_same_model(*tutorial, options)


@pytest.mark.parametrize("options", OPTIONS[:3], ids=["intercept", "no-intercept", "positive"])
def test_collinear_columns_give_scikit_learns_minimum_norm_or_nnls_solution(options):
    rng = np.random.default_rng(1)
    x = rng.integers(0, 10, 2000).astype(float)
    other = rng.random(2000)
    X = np.column_stack([x, 2 * x, other])  # rank 2
    y = 3 * x + 5 * other + rng.normal(0, 0.1, 2000)
    assert_same_model(X, y, options)


def test_badly_scaled_columns_give_scikit_learns_model():
    rng = np.random.default_rng(2)
    # Column scales six orders of magnitude apart, and a mean far from zero.
    X = np.column_stack([rng.random(3000) * 1e3, rng.random(3000) * 1e-3, rng.random(3000) + 1e3])
    y = X @ np.array([2e-3, 3e3, 7.0]) + rng.normal(0, 0.01, 3000)
    assert_same_model(X, y, OPTIONS[0], rtol=1e-7)


def test_past_double_precision_scaling_it_fits_no_worse_than_scikit_learn():
    # scikit-learn's lstsq drops a column whose singular value falls under its cut-off;
    # scaled normal equations keep it, so the streamed fit's squared error is never larger.
    rng = np.random.default_rng(3)
    X = np.column_stack([rng.random(1000) * 1e6, rng.random(1000) * 1e-6, rng.random(1000)])
    y = X @ np.array([1e-6, 5e6, 2.0]) + rng.normal(0, 0.1, 1000)
    reference = LinearRegression().fit(X, y)
    _, fitted = streamed(X, y)
    sse = float(((fitted.predict(X) - y) ** 2).sum())
    assert sse <= float(((reference.predict(X) - y) ** 2).sum()) * (1 + 1e-9)


def test_batch_size_does_not_change_the_model(tutorial):
    X, y = tutorial
    _, one = streamed(X, y, batch=len(y))
    _, many = streamed(X, y, batch=7)
    np.testing.assert_allclose(many.coefficients, one.coefficients, rtol=1e-10)


def test_streamed_scores_are_scikit_learns_metrics(tutorial):
    X, y = tutorial
    moments, fitted = streamed(X, y)
    scores = Scores(target_mean=float(moments.mean[-1]))
    for start in range(0, len(y), 500):
        scores.add(y[start : start + 500], fitted.predict(X[start : start + 500]))
    predicted = fitted.predict(X)
    assert scores.metrics() == pytest.approx(
        {
            "r2": r2_score(y, predicted),
            "mae": mean_absolute_error(y, predicted),
            "max_error": max_error(y, predicted),
        },
        rel=1e-10,
    )
