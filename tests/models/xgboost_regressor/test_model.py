"""Training the XGBoost regressor through the contract: exit codes, model, metrics, sentences."""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path

import numpy as np
import pytest
import xgboost as xgb

from training_contract.channel import Channel
from training_contract.scores import regression_metrics
from training_contract.stopping import TrainingStopped, raise_on_stop_signals
from xgboost_regressor import channel_matrix
from xgboost_regressor.artifact import MODEL_FILE
from xgboost_regressor.model import HYPERPARAMETERS

from .conftest import FEATURES, make_frames, run_job, write_channel


def test_trains_through_the_contract_and_reports_the_models_own_scores(job: Path, capsys):
    assert run_job(job, "--num_boost_round", "30", "--max_depth", "3", "--eta", "0.2") == 0

    assert sorted(p.name for p in (job / "model").iterdir()) == [MODEL_FILE]
    assert (job / "output" / "failure").exists() is False
    logged = dict(re.findall(r"metric train_(\w+)=([-0-9.e]+)", capsys.readouterr().out))
    booster = xgb.Booster(model_file=str(job / "model" / MODEL_FILE))
    X, y = make_frames()
    expected = regression_metrics(y["price"].to_numpy(), booster.predict(xgb.DMatrix(X)))
    assert {name: float(value) for name, value in logged.items()} == pytest.approx(
        expected, abs=1e-6
    )
    assert expected["r2"] > 0.95  # the trees find the square and the step
    assert booster.num_boosted_rounds() == 30
    assert booster.feature_names == FEATURES
    assert json.loads(booster.attr("hyperparameters"))["max_depth"] == 3


def test_features_choose_and_order_the_columns(job: Path):
    assert run_job(job, "--features", "crew,engines", "--num_boost_round", "5") == 0

    booster = xgb.Booster(model_file=str(job / "model" / MODEL_FILE))
    assert booster.feature_names == ["crew", "engines"]


def test_the_same_job_trains_the_same_model(job: Path, tmp_path: Path):
    args = ("--num_boost_round", "10", "--subsample", "0.7", "--seed", "4")
    assert run_job(job, *args) == 0
    first = xgb.Booster(model_file=str(job / "model" / MODEL_FILE)).save_raw("json")
    assert run_job(job, *args) == 0
    assert xgb.Booster(model_file=str(job / "model" / MODEL_FILE)).save_raw("json") == first


def test_a_bad_channel_gets_the_contracts_sentence_and_no_model(job: Path):
    X, y = make_frames()
    X.loc[7, "crew"] = np.nan
    write_channel(job / "input/data/train", X, y)

    assert run_job(job) == 1

    failure = (job / "output" / "failure").read_text()
    assert "crew" in failure and "missing" in failure, failure
    assert list((job / "model").iterdir()) == []


def test_a_bad_hyperparameter_fails_before_training_naming_it(job: Path, capsys):
    assert run_job(job, "--max_depth", "0") == 1

    failure = (job / "output" / "failure").read_text().strip()
    assert failure.startswith("Hyperparameter 'max_depth' is 0, but must be at least 1"), failure
    assert "Boosting" not in capsys.readouterr().out


def test_a_stop_while_the_matrix_is_built_is_raised_not_lost(job: Path, monkeypatch):
    # XGBoost pulls batches through ctypes, which would print and drop TrainingStopped.
    channel = Channel(job / "input/data/train", ())
    batches = channel.checked_batches

    def stopped_after_one_batch():
        for index, batch in enumerate(batches(), start=1):
            yield batch
            if index == 1:
                signal.raise_signal(signal.SIGTERM)

    monkeypatch.setattr(channel, "checked_batches", stopped_after_one_batch)
    before = {stop: signal.getsignal(stop) for stop in (signal.SIGTERM, signal.SIGINT)}
    try:
        with pytest.raises(TrainingStopped) as stopped, raise_on_stop_signals():
            channel_matrix.quantile_matrix(channel)
        assert stopped.value.signum == signal.SIGTERM
    finally:
        for stop, handler in before.items():
            signal.signal(stop, handler)


def test_every_hyperparameter_has_a_default_so_a_bare_job_trains(job: Path):
    assert all(spec.default is not None for spec in HYPERPARAMETERS)
    assert run_job(job) == 0
