"""``make rehearse`` (scripts/rehearse.sh) where no registry can be started: one sentence
saying what is missing, and nothing left behind. Its whole route is `make rehearse` itself."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.processes import run
from tests.support import REPO_ROOT

pytestmark = pytest.mark.docker


def test_without_docker_registry_or_the_registry_image_it_stops_with_one_sentence(tmp_path):
    # The rehearsal's own tools, and Docker, but no docker-registry; the image it would
    # run instead is one that no registry has.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("docker", "dirname", "mktemp", "rm", "tail", "cat"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    work = tmp_path / "work"
    work.mkdir()
    env = {
        **os.environ,
        "PATH": str(bin_dir),
        "TMPDIR": str(work),
        "LOCAL_REGISTRY_IMAGE": "spaceflights-no-such-registry:0",
    }

    bash = shutil.which("bash") or "/bin/bash"
    result = run([bash, str(REPO_ROOT / "scripts/rehearse.sh")], timeout=300, env=env)

    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(
        "rehearse: No local registry can be started: Debian's docker-registry is not installed "
        "and the spaceflights-no-such-registry:0 image is not available ("
    )
    assert line.endswith(
        "install docker-registry (apt-get install docker-registry) or let Docker pull "
        "spaceflights-no-such-registry:0."
    )
    assert list(work.iterdir()) == []  # the throwaway folder is gone


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (
            ["--project", "tests"],
            "rehearse: tests has no pyproject.toml, so it is not a Kedro project; pass --project "
            "with the folder that holds your Kedro project's pyproject.toml.",
        ),
        (
            ["--project", "{outside}"],
            "rehearse: --project {outside} is outside {root}; the rehearsal copies only this "
            "working tree, so put the project in it",
        ),
        (
            ["--model", "models/random_forest"],
            "rehearse: models/random_forest is not a model folder in {root} (it has no "
            "train.py); pass --model models/NAME",
        ),
    ],
    ids=["not-kedro", "outside", "no-model"],
)
def test_bad_options_stop_before_a_registry_is_started(tmp_path, args, sentence):
    outside = tmp_path / "rockets"
    outside.mkdir()
    (outside / "pyproject.toml").write_text('[tool.kedro]\npackage_name = "rockets"\n')
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "TMPDIR": str(work)}
    args = [arg.format(outside=outside) for arg in args]

    bash = shutil.which("bash") or "/bin/bash"
    result = run(
        [bash, str(REPO_ROOT / "scripts/rehearse.sh"), *args], timeout=60, cwd=REPO_ROOT, env=env
    )

    assert result.returncode != 0
    assert result.stderr.splitlines() == [sentence.format(outside=outside, root=REPO_ROOT)]
    assert list(work.iterdir()) == []  # nothing was started or made
