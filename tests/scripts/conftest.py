"""Fixtures of the script tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support import REPO_ROOT, copy_project, git


@pytest.fixture
def repo(tmp_path: Path, raw_data: Path) -> Path:
    """A committed git copy of what the script uses: scripts/, the Dockerfile, contract/,
    models/ and the Kedro project with raw data (ignored by .gitignore, as in the real tree)."""
    root = tmp_path / "repo"
    copy_project(root, raw_data)
    shutil.copytree(REPO_ROOT / "scripts", root / "scripts")
    shutil.copytree(
        REPO_ROOT / "contract", root / "contract", ignore=shutil.ignore_patterns("*.egg-info")
    )
    for name in ("Dockerfile", ".dockerignore", ".gitignore"):
        shutil.copy2(REPO_ROOT / name, root / name)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "snapshot")
    assert git(root, "status", "--porcelain") == ""
    return root
