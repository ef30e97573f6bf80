"""``model.ubj``: XGBoost's UBJSON written by the model, read back only if it is one of ours."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest
import xgboost as xgb

from xgboost_regressor import artifact
from xgboost_regressor.adapter import XGBoostRegressorAdapter

from .conftest import FEATURES, make_frames

WHERE = "s3://bucket/training-jobs/job-1/output/model.tar.gz"


def booster(params: dict | None = None, rounds: int = 3) -> xgb.Booster:
    X, y = make_frames(rows=200)
    matrix = xgb.DMatrix(X, y["price"], feature_names=FEATURES)
    return xgb.train(params or {"tree_method": "hist", "max_depth": 2}, matrix, rounds)


def saved(model: xgb.Booster, tmp_path: Path) -> bytes:
    return artifact.write(model, tmp_path, {"max_depth": 2, "features": ()}).read_bytes()


def refusal(raw: bytes) -> str:
    with pytest.raises(ValueError) as error:
        XGBoostRegressorAdapter().load({artifact.MODEL_FILE: raw}, WHERE)
    sentence = str(error.value)
    assert len(sentence.splitlines()) == 1 and sentence.endswith("."), sentence
    assert f"{artifact.MODEL_FILE}" in sentence and f" in {WHERE} " in sentence, sentence
    assert sentence.endswith("retrain with the XGBoost regressor's image."), sentence
    return sentence


def patched(raw: bytes, array: bytes, value: int) -> bytes:
    """``raw`` with the first int32 of the first tree's ``array`` set to ``value``."""
    start = raw.index(struct.pack(">q", len(array)) + array + b"[$l#L") + 8 + len(array) + 13
    return raw[:start] + struct.pack(">i", value) + raw[start + 4 :]


def test_round_trip_keeps_the_model_its_format_and_hyperparameters(tmp_path: Path):
    model = booster()
    raw = saved(model, tmp_path)

    assert raw[:2] == b"{L"  # UBJSON, not JSON text
    loaded = artifact.read(raw)
    X, _ = make_frames(rows=50, seed=1)
    assert np.array_equal(loaded.predict(xgb.DMatrix(X)), model.predict(xgb.DMatrix(X)))
    assert loaded.attr("model_format") == artifact.MODEL_FORMAT
    assert loaded.attr("hyperparameters") == '{"max_depth": 2, "features": []}'
    assert loaded.feature_names == FEATURES


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda raw: b"garbage", "is not UBJSON as XGBoost writes it"),
        (lambda raw: b"", "is empty"),
        (lambda raw: raw[: len(raw) // 2], "is not UBJSON as XGBoost writes it: it "),
        (lambda raw: raw + b"Z", "has 1 bytes after its end"),
        # XGBoost loads all of these. Predicting, a child out of range, a child pointing back
        # and a negative feature crashed the process (segfault); feature 99 of 4 predicted
        # without a word.
        (lambda raw: patched(raw, b"left_children", 10**6), "is not one binary tree"),
        (lambda raw: patched(raw, b"left_children", 0), "is not one binary tree"),
        (lambda raw: patched(raw, b"parents", 5), "is not one binary tree"),
        (lambda raw: patched(raw, b"split_indices", 99), "must name features of the model"),
        (lambda raw: patched(raw, b"split_indices", -5), "must name features of the model"),
    ],
)
def test_bytes_that_are_not_a_sound_booster_are_refused_before_xgboost(tmp_path, make, fragment):
    assert fragment in refusal(make(saved(booster(), tmp_path)))


def test_xgboosts_json_text_is_refused(tmp_path: Path):
    model = booster()
    artifact.write(model, tmp_path, {})

    assert "is JSON text, not the UBJSON" in refusal(bytes(model.save_raw("json")))


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"objective": "reg:absoluteerror"}, "'learner.objective.name' in"),
        ({"objective": "binary:logistic"}, "'learner.objective.name' in"),
        ({"booster": "gblinear"}, "'learner.gradient_booster.name' in"),
        ({"num_parallel_tree": 2}, "gbtree_model_param"),
    ],
)
def test_a_booster_of_another_kind_is_refused_naming_the_key(tmp_path, params, fragment):
    if params.get("objective") == "binary:logistic":
        X, y = make_frames(rows=200)
        matrix = xgb.DMatrix(X, (y["price"] > y["price"].median()).astype(float))
        model = xgb.train({"objective": "binary:logistic"}, matrix, 2)
    else:
        model = booster(params)

    assert fragment in refusal(saved(model, tmp_path))


def test_a_booster_not_written_by_this_model_is_refused(tmp_path: Path):
    model = booster()
    model.save_model(tmp_path / "plain.ubj")
    assert "'learner.attributes.hyperparameters' in" in refusal(
        (tmp_path / "plain.ubj").read_bytes()
    )

    model.set_attr(model_format="someone-elses/1", hyperparameters="{}")
    sentence = refusal(saved_as_is(model, tmp_path))
    assert "key 'learner.attributes.model_format' in" in sentence
    assert "is 'someone-elses/1', not 'xgboost-regressor/1'" in sentence


def test_unnamed_features_are_refused(tmp_path: Path):
    X, y = make_frames(rows=100)
    model = xgb.train({"max_depth": 2}, xgb.DMatrix(X.to_numpy(), y["price"]), 2)

    assert "'learner.feature_names' in" in refusal(saved(model, tmp_path))


def saved_as_is(model: xgb.Booster, tmp_path: Path) -> bytes:
    model.save_model(tmp_path / "as-is.ubj")
    return (tmp_path / "as-is.ubj").read_bytes()
