"""One image name and one build command for every local use of the image."""

import subprocess

import pytest
from kedro.config import OmegaConfigLoader

from spaceflights.settings import CONFIG_LOADER_ARGS
from tests.support import PROJECT_DIR, REPO_ROOT

BUILD_IMAGE = REPO_ROOT / "scripts" / "build_image.sh"


@pytest.mark.parametrize("model", ["linear_regression", "xgboost_regressor"])
def test_the_docker_env_runs_the_image_that_the_build_command_names(model):
    default_tag = subprocess.run(
        [str(BUILD_IMAGE), "--model", f"models/{model}", "--default-tag"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    loader = OmegaConfigLoader(
        str(PROJECT_DIR / "conf"),
        **{**CONFIG_LOADER_ARGS, "default_run_env": "docker"},
        runtime_params={"model": model},
    )
    assert loader["parameters"]["training"]["estimator"]["image_uri"] == default_tag


def test_every_script_builds_through_the_one_build_command():
    users = [REPO_ROOT / "Makefile", *(REPO_ROOT / "scripts").glob("*.sh")]
    for path in users:
        text = path.read_text()
        if path != BUILD_IMAGE:
            assert "docker build" not in text, f"{path} runs docker build itself"
    assert "scripts/build_image.sh" in (REPO_ROOT / "Makefile").read_text()
    for script in ("train_local.sh", "build_and_push.sh"):
        assert "scripts/build_image.sh" in (REPO_ROOT / "scripts" / script).read_text()
