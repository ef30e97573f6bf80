"""Choosing the XGBoost regressor by configuration: ``kedro run --params model=xgboost_regressor``.

The parameters pick the run's model from ``models`` in globals.yml, for every environment,
and its hyperparameters from ``model_hyperparameters``; without the parameter, the
default model (globals' ``model``) trains, and globals.yml stays as it is.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from kedro.config import OmegaConfigLoader

CONF = Path(__file__).resolve().parents[3] / "kedro_project" / "conf"


def parameters(env: str, model: str | None) -> dict:
    loader = OmegaConfigLoader(
        str(CONF),
        base_env="base",
        default_run_env="local",
        env=env,
        runtime_params={"model": model} if model else None,
        config_patterns={"globals": ["globals*.yml"]},
    )
    return loader["parameters"]


@pytest.mark.parametrize("env", ["local", "docker", "sagemaker"])
def test_the_run_parameter_chooses_the_xgboost_regressor_in_every_environment(env):
    params = parameters(env, "xgboost_regressor")
    training = params["training"]

    assert training["model_adapter"] == "xgboost_regressor.adapter.XGBoostRegressorAdapter"
    assert (
        params["model_options"]["hyperparameters"]
        == params["model_hyperparameters"]["xgboost_regressor"]
    )
    if env == "local":
        assert training["estimator"]["entry_point"] == "../models/xgboost_regressor/train.py"
    if env == "docker":
        assert training["estimator"]["image_uri"] == "spaceflights-xgboost-regressor:latest"


def test_without_it_the_default_model_trains():
    params = parameters("docker", None)

    assert (
        params["training"]["model_adapter"] == "linear_regression.adapter.LinearRegressionAdapter"
    )
    assert params["model_options"]["hyperparameters"] == {"fit_intercept": True, "positive": False}


def test_the_image_named_for_docker_is_the_one_build_image_tags_by_default():
    script = CONF.parents[1] / "scripts" / "build_image.sh"
    tag = subprocess.run(
        [str(script), "--model", "models/xgboost_regressor", "--default-tag"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    assert parameters("docker", "xgboost_regressor")["training"]["estimator"]["image_uri"] == tag
