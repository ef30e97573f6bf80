"""``kedro run --params a.b.c=value`` changes that one key, in every environment
(``kedro_sagemaker_byoc.config_loader``), whether or not the environment has parameter files."""

from __future__ import annotations

import copy
import shutil

import pytest
from omegaconf import OmegaConf

from spaceflights.settings import CONFIG_LOADER_ARGS, CONFIG_LOADER_CLASS
from tests.local_aws import fill_sagemaker_globals
from tests.support import PROJECT_DIR, kedro

ENVIRONMENTS = ["local", "docker", "sagemaker"]


def parameters(conf, env: str, params: str = "") -> dict:
    """The parameters ``kedro run --env ENV --params PARAMS`` runs with: the project's
    loader, given the runtime parameters as Kedro's command line parses them."""
    runtime = OmegaConf.to_container(OmegaConf.from_dotlist(params.split(","))) if params else {}
    loader = CONFIG_LOADER_CLASS(
        str(conf), **{**CONFIG_LOADER_ARGS, "default_run_env": env}, runtime_params=runtime
    )
    return loader["parameters"]


@pytest.fixture
def conf(tmp_path):
    """The project's conf/, with conf/sagemaker/globals.yml filled in as a user would."""
    copied = tmp_path / "conf"
    shutil.copytree(PROJECT_DIR / "conf", copied)
    fill_sagemaker_globals(copied)
    return copied


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_a_dotted_parameter_changes_only_its_own_key(conf, env):
    before = parameters(conf, env)
    expected = copy.deepcopy(before)
    expected["model_options"]["hyperparameters"]["positive"] = True

    after = parameters(conf, env, "model_options.hyperparameters.positive=true")

    assert after == expected


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_a_dotted_parameter_under_a_key_the_environment_sets_changes_only_that_key(conf, env):
    before = parameters(conf, env)
    expected = copy.deepcopy(before)
    expected["training"]["reuse"] = False
    expected["model_options"]["test_size"] = 0.3

    after = parameters(conf, env, "training.reuse=false,model_options.test_size=0.3")

    assert after == expected


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_a_new_parameter_is_added_and_nothing_else_changes(conf, env):
    before = parameters(conf, env)

    after = parameters(conf, env, "extra.knob=3")

    assert after == {**before, "extra": {"knob": 3}}


def test_kedro_run_in_the_sagemaker_environment_takes_a_dotted_hyperparameter(project):
    # The command of the issue, up to the node that checks model_options first.
    fill_sagemaker_globals(project / "conf")

    result = kedro(
        project,
        "run",
        "--env",
        "sagemaker",
        "--params",
        "model_options.hyperparameters.positive=true",
        "--to-nodes",
        "split_data_node",
    )

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (project / "data/05_model_input/train/X_train.parquet").is_file()
