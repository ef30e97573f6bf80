"""buildspec.yml: CodeBuild's build is scripts/build_and_push.sh, and it exports the image."""

import yaml

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
