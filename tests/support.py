"""Paths, data makers and Docker helpers shared by the tests."""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np
import pandas as pd

from tests.processes import kill_tree, run
from training_contract import trainer

REPO_ROOT = Path(__file__).resolve().parents[1]
PROJECT_DIR = REPO_ROOT / "kedro_project"
ENTRY_POINT = REPO_ROOT / "models" / "linear_regression" / "train.py"
# Image tags the tests build carry this checkout's id, so test runs in two checkouts on one
# Docker engine never run each other's image.
CHECKOUT_ID = hashlib.sha256(str(REPO_ROOT).encode()).hexdigest()[:8]


def checkout_image_tag(name: str) -> str:
    """``training-linear-regression:<name>-<checkout id>``: a tag only this checkout's tests use."""
    return f"training-linear-regression:{name}-{CHECKOUT_ID}"


def make_training_frames(features: list[str], rows: int = 200) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Numeric features and a price that is a known linear function of them plus noise."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame({name: rng.integers(0, 10, rows).astype(float) for name in features})
    weights = np.arange(1, len(features) + 1, dtype=float) * 10
    price = X.to_numpy() @ weights + 100 + rng.normal(0, 1, rows)
    return X, pd.DataFrame({"price": price})


def assert_one_sentence(text: str, *fragments: str) -> None:
    """``text`` is one line, ends like a sentence, and names each of ``fragments``."""
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert lines[0].endswith("."), text
    for fragment in fragments:
        assert fragment in lines[0], text


@functools.cache
def docker_available() -> bool:
    """Whether a Docker engine answers here."""
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, check=False).returncode == 0


def copy_project(destination: Path, raw_data: Path) -> Path:
    """Copy the Kedro project and models/ into ``destination``; return the project folder.

    The copy gets ``raw_data``'s files as its data/01_raw and none of this checkout's
    other data or local configuration.
    """
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(REPO_ROOT / "models", destination / "models", ignore=ignore)
    project = destination / "kedro_project"
    shutil.copytree(PROJECT_DIR / "conf", project / "conf", ignore=ignore)
    shutil.copytree(PROJECT_DIR / "src", project / "src", ignore=ignore)
    for name in ("pyproject.toml", ".telemetry"):
        shutil.copy2(PROJECT_DIR / name, project / name)
    shutil.rmtree(project / "conf" / "local", ignore_errors=True)
    (project / "conf" / "local").mkdir()
    (project / "conf" / "sagemaker" / "globals_image.yml").unlink(missing_ok=True)
    shutil.copytree(raw_data, project / "data" / "01_raw")
    return project


def git(repo: Path, *args: str) -> str:
    """``git ARGS`` in ``repo`` as a test user; its output, stripped."""
    return subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def kedro(
    project: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 1200
) -> subprocess.CompletedProcess:
    """Run this venv's ``kedro`` in ``project``; the output is captured as text."""
    command = [str(Path(sys.executable).parent / "kedro"), *args]
    return run(command, timeout=timeout, cwd=project, env=env)


def build_image(context: Path, tag: str, *build_args: str) -> subprocess.CompletedProcess:
    """Build ``context`` as ``tag`` with the project's one build command, scripts/build_image.sh;
    cached layers make repeats fast."""
    script = str(REPO_ROOT / "scripts" / "build_image.sh")
    result = run([script, "--tag", tag, "--context", str(context), "--", *build_args], timeout=1800)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result


# ---- long-running training, for the tests that stop it ----------------------------------

# Rows enough that training takes seconds (streamed, 10M rows take about two), so a signal
# sent when training starts lands while it runs; the tests wait for the entry point's log
# line, never for a fixed time.
BIG_ROWS = 10_000_000
TRAINING_STARTED = trainer.TRAINING_STARTED
TRAIN_NODE_ONLY = ("--from-nodes", "train_model_node", "--to-nodes", "train_model_node")


def write_big_channel(channel: Path, features: list[str]) -> Path:
    """A channel of BIG_ROWS rows in ``channel`` (a project's is data/05_model_input/train)."""
    channel.mkdir(parents=True, exist_ok=True)
    for table in _big_channel(tuple(features)).iterdir():
        shutil.copy2(table, channel / table.name)
    return channel


@functools.cache
def _big_channel(features: tuple[str, ...]) -> Path:
    # Made once per test session and copied: writing 10M rows takes seconds. One row group
    # per file: training holds a row group's bytes, so this channel needs about 280 MiB
    # (the memory-kill tests count on it), where the same rows in 1M-row groups need 140.
    folder = Path(_SESSION_FILES.name) / hashlib.sha256(repr(features).encode()).hexdigest()
    folder.mkdir()
    X, y = make_training_frames(list(features), rows=BIG_ROWS)
    X.to_parquet(folder / "X_train.parquet", index=False, row_group_size=BIG_ROWS)
    y.to_parquet(folder / "y_train.parquet", index=False, row_group_size=BIG_ROWS)
    return folder


_SESSION_FILES = tempfile.TemporaryDirectory(prefix="spaceflights-tests-")


def start_kedro(spawn, project: Path, *args: str, tmpdir: Path) -> subprocess.Popen:
    """``kedro run ARGS`` in ``project``, started through the test's ``spawn`` fixture."""
    tmpdir.mkdir(exist_ok=True)
    return spawn(
        [str(Path(sys.executable).parent / "kedro"), "run", *args],
        cwd=project,
        env={**os.environ, "TMPDIR": str(tmpdir)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def read_until(process: subprocess.Popen, marker: str, timeout: float = 900) -> str:
    """Everything ``process`` printed up to and including the line holding ``marker``. A
    process that neither prints it nor ends within ``timeout`` seconds is killed, with all
    it started, and the test fails rather than waits for ever."""
    watchdog = threading.Timer(timeout, kill_tree, args=(process,), kwargs={"reap": False})
    watchdog.start()
    seen = []
    try:
        for line in process.stdout:
            seen.append(line)
            if marker in line:
                return "".join(seen)
    finally:
        watchdog.cancel()
    process.wait()
    raise AssertionError(f"{marker!r} never appeared:\n{''.join(seen)[-4000:]}")
