"""The XGBoost regressor's adapter: what the Kedro plugin reads, predicts and scores with."""

from __future__ import annotations

import numpy as np
import pytest
import xgboost as xgb

from training_contract.scores import regression_metrics
from xgboost_regressor.adapter import XGBoostRegressorAdapter
from xgboost_regressor.artifact import MODEL_FILE

from .conftest import FEATURES, make_frames


def test_predictions_equal_xgboosts_own_on_the_saved_model(model_bytes: bytes, tmp_path):
    (tmp_path / MODEL_FILE).write_bytes(model_bytes)
    X_test, _ = make_frames(rows=300, seed=9)
    # A frame as the pipeline has it: more columns than the model's, in another order.
    frame = X_test[FEATURES[::-1]].assign(unused=1.0)
    adapter = XGBoostRegressorAdapter()

    predicted = adapter.predict(adapter.load({MODEL_FILE: model_bytes}, "model.tar.gz"), frame)

    own = xgb.Booster(model_file=str(tmp_path / MODEL_FILE)).predict(xgb.DMatrix(X_test))
    assert predicted.dtype == np.float64
    assert np.array_equal(predicted, own.astype(np.float64))


def test_metrics_are_the_contracts_regression_scores(model_bytes: bytes):
    adapter = XGBoostRegressorAdapter()
    X, y = make_frames(rows=100, seed=2)
    predicted = adapter.predict(adapter.load({MODEL_FILE: model_bytes}, "m"), X)

    scores = adapter.metrics(y["price"].to_numpy(), predicted)

    assert scores == regression_metrics(y["price"].to_numpy(), predicted)
    assert set(scores) == {"r2", "mae", "max_error"}


def test_an_archive_without_model_ubj_is_one_sentence_naming_it():
    with pytest.raises(ValueError) as error:
        XGBoostRegressorAdapter().load({"model.json": b"{}"}, "s3://b/job/model.tar.gz")

    assert str(error.value) == (
        "s3://b/job/model.tar.gz has no model.ubj at its top level (it holds model.json); "
        "retrain with the XGBoost regressor's image."
    )
