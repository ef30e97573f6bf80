"""The v3 environment, and what ModelTrainerEstimator makes of its configuration.

Fast checks, no Docker or AWS: which SDK this venv holds, that requirements-v3.in keeps up
with the Kedro project's dependencies, the SDK v3 facts the backend is built on, and the one
sentence that bad configuration gets.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import tomllib

import pytest
from kedro_sagemaker_byoc.backends.model_trainer import ModelTrainerEstimator
from packaging.requirements import Requirement

from tests.support import PROJECT_DIR, REPO_ROOT

ROLE = "arn:aws:iam::123456789012:role/spaceflights-training"


def test_this_venv_holds_sdk_v3_and_not_v2():
    assert importlib.metadata.version("sagemaker").startswith("3.")
    assert importlib.metadata.version("sagemaker-train").startswith("1.")
    assert importlib.metadata.version("sagemaker-core").startswith("2.")
    with pytest.raises(ModuleNotFoundError):
        __import__("sagemaker.estimator")


def test_the_sdk_line_comes_only_from_the_plugins_extra():
    """The project names no SDK; the plugin's extras name one line each, and this venv
    installed the plugin with [v3]."""
    project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())
    assert "sagemaker" not in {Requirement(r).name for r in project["project"]["dependencies"]}
    plugin = tomllib.loads((REPO_ROOT / "plugin/pyproject.toml").read_text())
    extras = plugin["project"]["optional-dependencies"]
    assert [str(Requirement(r).specifier) for r in extras["v3"]] == ["<4,>=3.27"]
    assert [str(Requirement(r).specifier) for r in extras["v2"]] == ["<3,>=2.257"]
    assert "-e ./plugin[v3]" in (REPO_ROOT / "requirements-v3.in").read_text()


def test_importing_the_backend_imports_no_sdk():
    """The pre-flight imports the estimator class; the SDK waits until a job starts."""
    code = (
        "import sys, kedro_sagemaker_byoc.backends.model_trainer; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sagemaker'))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    # Importing the plugin imports Kedro, which may log its logging setup first.
    assert loaded.stdout.strip().splitlines()[-1:] == ["[]"], loaded.stdout + loaded.stderr


def test_hyperparameters_reach_sagemaker_as_v2_sends_them():
    """v2 sends str(value); ModelTrainer would JSON-encode every value but a string."""
    from sagemaker.train.utils import safe_serialize

    given = {"fit_intercept": True, "features": '"a,b"', "alpha": 0.5, "layers": ["a", "b"]}
    estimator = ModelTrainerEstimator("image", "local", "out", hyperparameters=given)

    assert estimator.hyperparameters == {k: str(v) for k, v in given.items()}
    # The v3 facts this guards against: the node's strings pass unchanged either way.
    assert safe_serialize(True) == "true" and safe_serialize(["a", "b"]) == '["a", "b"]'
    assert safe_serialize('"a,b"') == '"a,b"'


def test_max_run_defaults_to_v2s_day_not_v3s_hour():
    from sagemaker.train.defaults import DEFAULT_MAX_RUNTIME_IN_SECONDS

    estimator = ModelTrainerEstimator("image", "ml.m5.large", "s3://b/p", role=ROLE)

    assert estimator.settings["max_run"] == 24 * 3600
    assert DEFAULT_MAX_RUNTIME_IN_SECONDS == 3600


@pytest.mark.parametrize(
    ("arguments", "sentence"),
    [
        (
            {"instance_type": "ml.m5.large"},
            "training.estimator.role is missing; a SageMaker training job runs as an "
            "execution role, so give its full ARN.",
        ),
        (
            {"instance_type": "ml.m5.large", "role": ROLE, "debugger_hook_config": True},
            "training.estimator.debugger_hook_config must be false: SageMaker Debugger hooks "
            "are not set through the SDK v3 backend.",
        ),
        (
            {"instance_type": "local", "container_entry_point": ["sh"]},
            "training.estimator.container_entry_point and container_arguments are not used in "
            "local container mode, where ModelTrainer runs the image's own command; remove "
            "them there.",
        ),
    ],
    ids=["no-role", "debugger", "entry-point-in-local-mode"],
)
def test_bad_configuration_gets_one_sentence(arguments, sentence):
    with pytest.raises(ValueError) as raised:
        ModelTrainerEstimator("image", output_path="s3://b/p", **arguments)
    assert str(raised.value) == sentence
