"""The Kedro pre-flight checks the XGBoost regressor's hyperparameters through its adapter.

With the adapter named in ``training.model_adapter``, the pre-flight parses
``model_options.hyperparameters`` with the model's own declarations, so a malformed
number fails there, in one sentence naming the hyperparameter and the setting, before
any job is started or paid for.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from kedro.config import OmegaConfigLoader
from kedro_sagemaker_byoc import preflight
from kedro_sagemaker_byoc.preflight.origin import ConfigOrigin

PROJECT = Path(__file__).resolve().parents[3] / "kedro_project"
ADAPTER = "xgboost_regressor.adapter.XGBoostRegressorAdapter"
ENTRY_POINT = "../models/xgboost_regressor/train.py"
GOOD = {"num_boost_round": 20, "max_depth": 3, "eta": 0.1, "seed": 1}


@pytest.fixture
def parameters(monkeypatch: pytest.MonkeyPatch) -> dict:
    """conf/base's parameters with the XGBoost regressor's adapter, entry point and values."""
    monkeypatch.chdir(PROJECT)  # the entry point is relative to the project, as in a run
    loader = OmegaConfigLoader("conf", base_env="base", default_run_env="local")
    params = loader["parameters"]
    params["training"]["model_adapter"] = ADAPTER
    params["training"]["estimator"]["entry_point"] = ENTRY_POINT
    params["model_options"]["hyperparameters"] = dict(GOOD)
    return params


def check(params: dict) -> preflight.Checked:
    origin = ConfigOrigin(PROJECT / "conf", "local")
    return preflight.check(params["training"], params["model_options"], origin=origin)


def test_good_hyperparameters_pass_as_sagemaker_will_store_them(parameters):
    checked = check(parameters)

    assert {name: checked.hyperparameters[name] for name in GOOD} == {
        "num_boost_round": "20",
        "max_depth": "3",
        "eta": "0.1",
        "seed": "1",
    }
    assert checked.hyperparameters["features"].startswith('["engines", ')


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("max_depth", "deep", "Hyperparameter 'max_depth' must be a whole number, got 'deep'"),
        ("num_boost_round", 2.5, "Hyperparameter 'num_boost_round' must be a whole number"),
        ("seed", -1, "Hyperparameter 'seed' is -1, but must be at least 0"),
        ("eta", 0, "Hyperparameter 'eta' is 0, but must be at least 1e-06 and at most 1"),
        ("subsample", "half", "Hyperparameter 'subsample' must be a number, got 'half'"),
        ("min_child_weight", -1, "Hyperparameter 'min_child_weight' is -1, but must be at least 0"),
    ],
)
def test_a_malformed_number_fails_the_preflight_naming_the_key(parameters, name, value, fragment):
    parameters["model_options"]["hyperparameters"][name] = value

    with pytest.raises(preflight.PreflightError) as error:
        check(parameters)

    sentence = str(error.value)
    assert fragment in sentence, sentence
    assert f"it is set by model_options.hyperparameters.{name} in conf/" in sentence, sentence
    assert len(sentence.splitlines()) == 1 and sentence.endswith("."), sentence


def test_another_models_hyperparameter_is_refused_by_name(parameters):
    parameters["model_options"]["hyperparameters"]["fit_intercept"] = True

    with pytest.raises(preflight.PreflightError) as error:
        check(parameters)

    assert "Unknown hyperparameter 'fit_intercept': this model accepts features," in str(
        error.value
    )
