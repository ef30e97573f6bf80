"""The linear model as a client sees it: the adapter reads ``model.json`` from the model's
files, predicts on frames by column name, and scores as training does."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.metrics import max_error, mean_absolute_error, r2_score

from linear_regression import artifact
from linear_regression.adapter import LinearRegressionAdapter
from linear_regression.model import HYPERPARAMETERS, MODEL, fit_arrays
from tests.support import assert_one_sentence, make_training_frames
from training_contract import trainer

WHERE = "s3://bucket/jobs/job-1/output/model.tar.gz"


@pytest.fixture
def adapter() -> LinearRegressionAdapter:
    return LinearRegressionAdapter()


@pytest.fixture
def frames(features):
    return make_training_frames(features, rows=300)


@pytest.fixture
def trained_files(tmp_path, channel_dir) -> dict[str, bytes]:
    """The files of model/ after a training through the contract, as a client unpacks them."""
    environ = {
        "SM_CHANNEL_TRAIN": str(channel_dir),
        "SM_MODEL_DIR": str(tmp_path / "model"),
        "SM_OUTPUT_DIR": str(tmp_path / "output"),
    }
    assert trainer.main(MODEL, [], environ) == trainer.SUCCESS
    return {p.name: p.read_bytes() for p in (tmp_path / "model").iterdir()}


def test_the_adapter_declares_the_models_hyperparameters(adapter):
    assert adapter.hyperparameters == HYPERPARAMETERS == MODEL.hyperparameters


def test_a_trained_model_loads_and_predicts_as_scikit_learn(
    adapter, trained_files, channel_dir, features
):
    import pandas as pd

    X = pd.read_parquet(channel_dir / "X_train.parquet")
    y = pd.read_parquet(channel_dir / "y_train.parquet")["price"]

    model = adapter.load(trained_files, WHERE)

    reference = LinearRegression().fit(X[features], y)
    assert adapter.predict(model, X) == pytest.approx(reference.predict(X[features]), rel=1e-9)


def test_prediction_picks_the_feature_columns_by_name(adapter, frames, features):
    X, y = frames
    model = fit_arrays(X.to_numpy(), y["price"].to_numpy(), features)
    shuffled = X[features[::-1]].assign(notes="not a feature")

    np.testing.assert_allclose(
        adapter.predict(model, shuffled), adapter.predict(model, X), rtol=1e-12
    )


def test_a_missing_feature_column_is_named_by_pandas(adapter, frames, features):
    X, y = frames
    model = fit_arrays(X.to_numpy(), y["price"].to_numpy(), features)

    with pytest.raises(KeyError, match=features[0]):
        adapter.predict(model, X.drop(columns=features[0]))


def test_metrics_are_scikit_learns(adapter, frames):
    _, y = frames
    actual = y["price"].to_numpy()
    predicted = actual + np.linspace(-3.0, 5.0, len(actual))

    assert adapter.metrics(actual, predicted) == pytest.approx(
        {
            "r2": r2_score(actual, predicted),
            "mae": mean_absolute_error(actual, predicted),
            "max_error": max_error(actual, predicted),
        },
        rel=1e-10,
    )


@pytest.mark.parametrize(
    ("files", "listed"),
    [({}, "it holds nothing"), ({"weights.bin": b"", "a.txt": b""}, "it holds a.txt, weights.bin")],
    ids=["empty", "other files"],
)
def test_an_archive_without_model_json_is_one_sentence(adapter, files, listed):
    with pytest.raises(ValueError) as raised:
        adapter.load(files, WHERE)

    assert_one_sentence(
        str(raised.value),
        f"{WHERE} has no model.json at its top level ({listed})",
        "retrain with the linear regression's image",
    )


def test_a_malformed_model_json_is_one_sentence_naming_the_key_and_archive(adapter, trained_files):
    document = json.loads(trained_files[artifact.MODEL_FILE])
    document["coefficients"][0] = "1.5"

    with pytest.raises(ValueError) as raised:
        adapter.load({artifact.MODEL_FILE: json.dumps(document).encode()}, WHERE)

    assert_one_sentence(
        str(raised.value), f"model.json key 'coefficients[0]' in {WHERE} must be a number"
    )
