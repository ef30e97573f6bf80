"""buildspec.yml: CodeBuild's build is scripts/build_and_push.sh, and it exports the image."""

from __future__ import annotations

import os
import shutil
import uuid

import pytest
import yaml

from tests.processes import run
from tests.scripts.test_build_and_push import registry_get, remove_local_images, script_env
from tests.support import REPO_ROOT


def buildspec() -> dict:
    return yaml.safe_load((REPO_ROOT / "buildspec.yml").read_text())


def test_it_is_a_version_0_2_buildspec_exporting_the_image_uri():
    spec = buildspec()
    assert str(spec["version"]) == "0.2"
    assert {"IMAGE_URI", "IMAGE_DIGEST"} <= set(spec["env"]["exported-variables"])


def test_the_build_calls_the_script_and_pushes_only_by_default():
    spec = buildspec()
    build = "\n".join(spec["phases"]["build"]["commands"])
    assert "scripts/build_and_push.sh" in build
    assert "--uri-file" in build
    assert "--no-run" in build
    assert spec["env"]["variables"]["RUN_PIPELINE"] == "false"
    # The logic lives in the script, not here.
    assert "docker " not in build and "aws ecr" not in build


def test_the_project_and_the_model_are_variables_with_the_scripts_defaults():
    variables = buildspec()["env"]["variables"]

    assert variables["PROJECT_DIR"] == "kedro_project"
    assert variables["MODEL_DIR"] == "models/linear_regression"
    # Unset, the repository is the script's own, named after the project and the model.
    assert "ECR_REPOSITORY" not in variables


def phase(spec: dict, name: str) -> str:
    return "\n".join(spec["phases"][name]["commands"])


@pytest.mark.docker
@pytest.mark.aws
def test_codebuilds_shell_runs_the_phases_and_exports_the_pushed_image(repo, registry, aws_env):
    """The phases as CodeBuild runs them, in sh, against the local AWS and registry."""
    spec = buildspec()
    shutil.copy2(REPO_ROOT / "buildspec.yml", repo / "buildspec.yml")
    repository = f"buildspec-test-{uuid.uuid4().hex[:10]}"
    env = script_env(
        aws_env,
        **{name: str(value) for name, value in spec["env"]["variables"].items()},
        ECR_REPOSITORY=repository,
        REGISTRY_OVERRIDE=registry,
        CODEBUILD_BUILD_SUCCEEDING="1",
    )
    sh = shutil.which("sh") or "/bin/sh"

    try:
        outputs = []
        for name in ("install", "build", "post_build"):
            result = run([sh, "-c", phase(spec, name)], timeout=1800, cwd=repo, env=env)
            assert result.returncode == 0, (name, result.stdout[-4000:], result.stderr[-4000:])
            outputs.append(result.stdout)
    finally:
        remove_local_images(registry, repository)

    uri = (repo / "image-uri.txt").read_text().strip()
    assert uri.startswith(f"{registry}/{repository}@sha256:")
    assert outputs[2].splitlines() == [f"IMAGE_URI={uri}"]
    [tag] = registry_get(registry, f"/v2/{repository}/tags/list")[0]["tags"]
    assert tag in outputs[1]
    assert os.path.exists(repo / "kedro_project/conf/sagemaker/globals_image.yml")
