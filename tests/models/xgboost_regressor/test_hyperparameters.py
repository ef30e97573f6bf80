"""The XGBoost regressor's typed hyperparameters: parsed from every client, checked before a job."""

from __future__ import annotations

import pytest

from training_contract import hyperparameters
from training_contract.errors import TrainingInputError
from xgboost_regressor.adapter import XGBoostRegressorAdapter
from xgboost_regressor.model import HYPERPARAMETERS, booster_params

DEFAULTS = {spec.name: spec.default for spec in HYPERPARAMETERS}


def test_every_clients_spelling_parses_to_the_declared_types():
    stored = hyperparameters.to_sagemaker(
        {
            "features": ["crew", "engines"],
            "num_boost_round": 50,
            "max_depth": 4,
            "eta": 0.1,
            "subsample": 1,
            "min_child_weight": 0.5,
            "reg_lambda": 2,
            "seed": 7,
        }
    )
    parsed = hyperparameters.parse(HYPERPARAMETERS, hyperparameters.to_args(stored))

    assert parsed == {
        "features": ("crew", "engines"),
        "num_boost_round": 50,
        "max_depth": 4,
        "eta": 0.1,
        "subsample": 1.0,
        "min_child_weight": 0.5,
        "reg_lambda": 2.0,
        "seed": 7,
    }
    assert [type(parsed[name]) for name in ("num_boost_round", "max_depth", "seed")] == [int] * 3
    assert all(type(parsed[name]) is float for name in ("eta", "subsample", "reg_lambda"))
    # SDK v2 sends str() of a value: a whole float for an int is accepted, as 6.0 is 6.
    assert hyperparameters.parse(HYPERPARAMETERS, ["--max_depth", "6.0"])["max_depth"] == 6


def test_defaults_are_xgboosts_own_but_for_the_rounds():
    assert hyperparameters.parse(HYPERPARAMETERS, []) == {**DEFAULTS, "features": ()}
    assert booster_params(DEFAULTS) == {
        "objective": "reg:squarederror",
        "tree_method": "hist",
        "max_depth": 6,
        "eta": 0.3,
        "subsample": 1.0,
        "min_child_weight": 1.0,
        "lambda": 1.0,
        "seed": 0,
    }


@pytest.mark.parametrize(
    ("name", "raw", "fragment"),
    [
        ("num_boost_round", "2.5", "must be a whole number, got '2.5'"),
        ("num_boost_round", "0", "is 0, but must be at least 1"),
        ("max_depth", "deep", "must be a whole number, got 'deep'"),
        ("max_depth", "0", "is 0, but must be at least 1"),
        ("eta", "fast", "must be a number, got 'fast'"),
        ("eta", "0", "must be at least 1e-06 and at most 1"),
        ("eta", "1.5", "must be at least 1e-06 and at most 1"),
        ("eta", "nan", "must be a number, got 'nan'"),
        ("subsample", "1.01", "must be at least 1e-06 and at most 1"),
        ("min_child_weight", "-1", "must be at least 0"),
        ("reg_lambda", "inf", "must be a number, got 'inf'"),
        ("seed", "-3", "must be at least 0"),
        ("seed", "3000000000", "at most 2.14748e+09"),
    ],
)
def test_a_malformed_number_is_one_sentence_naming_the_hyperparameter(name, raw, fragment):
    with pytest.raises(TrainingInputError) as error:
        hyperparameters.parse(HYPERPARAMETERS, [f"--{name}", raw])

    sentence = str(error.value)
    assert error.value.hyperparameter == name
    assert f"Hyperparameter '{name}'" in sentence and fragment in sentence, sentence
    assert len(sentence.splitlines()) == 1 and sentence.endswith("."), sentence


def test_the_adapter_declares_the_models_hyperparameters():
    assert XGBoostRegressorAdapter.hyperparameters is HYPERPARAMETERS
