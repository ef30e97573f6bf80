"""One image name and one build command for every local use of the image."""

import subprocess

import yaml

from tests.support import PROJECT_DIR, REPO_ROOT

BUILD_IMAGE = REPO_ROOT / "scripts" / "build_image.sh"


def test_the_docker_env_runs_the_image_that_the_build_command_names():
    default_tag = subprocess.run(
        [str(BUILD_IMAGE), "--default-tag"], capture_output=True, text=True, check=True
    ).stdout.strip()
    docker_env = yaml.safe_load(
        (PROJECT_DIR / "conf/docker/parameters_data_science.yml").read_text()
    )
    assert docker_env["training"]["estimator"]["image_uri"] == default_tag


def test_every_script_builds_through_the_one_build_command():
    users = [REPO_ROOT / "Makefile", *(REPO_ROOT / "scripts").glob("*.sh")]
    for path in users:
        text = path.read_text()
        if path != BUILD_IMAGE:
            assert "docker build" not in text, f"{path} runs docker build itself"
    assert "scripts/build_image.sh" in (REPO_ROOT / "Makefile").read_text()
    for script in ("train_local.sh", "build_and_push.sh"):
        assert "scripts/build_image.sh" in (REPO_ROOT / "scripts" / script).read_text()
