"""docs/use-in-your-kedro-project.md, done to the letter in a project from ``kedro new``.

The project comes from Kedro's default template, and the files written into it are the
page's code blocks, parsed out of the page, so the page cannot say one thing while the
test runs another. Nothing is installed: the plugin and the linear model are in this venv
already, as the page's ``pip install`` leaves them. The run is a real ``kedro run`` in the
default environment: the real sagemaker-training toolkit in a subprocess, no Docker, no AWS.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pandas as pd
import pytest
import yaml

from tests.processes import run
from tests.support import REPO_ROOT

DOC = REPO_ROOT / "docs" / "use-in-your-kedro-project.md"
# A line naming a file the user writes, then its block: `path` (N lines, how):
FILE_BLOCK = re.compile(
    r"^`(?P<path>[^`\s]+)` \((?P<lines>\d+) lines, (?P<how>[^)]+)\):\n\n"
    r"```[a-z]*\n(?P<body>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)
TOTAL = re.compile(r"entries below: (\d+) lines")
ERROR_LINE = re.compile(r"^Error: .*$", re.MULTILINE)
BIN = Path(sys.executable).parent
# Kedro's telemetry would try the network on every command; rich wraps logs at 80 columns.
ENV = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1", "COLUMNS": "250"}
TIMEOUT = 300


def doc_files() -> list[tuple[str, int, str, str]]:
    """``(path, stated lines, how, text)`` of every file the page says to write."""
    return [
        (m["path"], int(m["lines"]), m["how"], m["body"])
        for m in FILE_BLOCK.finditer(DOC.read_text())
    ]


def doc_command(prefix: str) -> list[str]:
    """The page's shell command that starts with ``prefix``, run with this venv's tools."""
    for line in DOC.read_text().splitlines():
        if line.startswith(prefix):
            program, *args = shlex.split(line)
            return [str(BIN / program), *args]
    raise AssertionError(f"{DOC.name} has no command starting {prefix!r}")


def kedro_run(project: Path):
    return run([str(BIN / "kedro"), "run"], timeout=TIMEOUT, cwd=project, env=ENV)


def folded(result) -> str:
    return " ".join((result.stdout + result.stderr).split())


def write_houses(table: Path, rows: int = 300) -> None:
    """Made-up houses: a price linear in area, rooms and age, plus noise."""
    rng = np.random.default_rng(7)
    area = rng.uniform(30, 200, rows).round(1)
    rooms = rng.integers(1, 7, rows)
    age = rng.integers(0, 80, rows)
    price = 1000 * area + 5000 * rooms - 300 * age + rng.normal(0, 5000, rows)
    table.parent.mkdir(parents=True, exist_ok=True)
    houses = {"area": area, "rooms": rooms, "age": age, "price": price.round(2)}
    pd.DataFrame(houses).to_csv(table, index=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project made as the page says: kedro new, its files, and the houses table."""
    created = run(doc_command("kedro new"), timeout=TIMEOUT, cwd=tmp_path, env=ENV)
    assert created.returncode == 0, created.stdout + created.stderr
    [project] = [path for path in tmp_path.iterdir() if path.is_dir()]
    for path, _, how, text in doc_files():
        target = project / path
        if how.startswith("added"):
            assert target.is_file(), f"the template has no {path} to add to"
            target.write_text(target.read_text() + "\n" + text)
        else:
            assert how == "a new file" and not target.exists(), (path, how)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
    catalog = yaml.safe_load((project / "conf/base/catalog.yml").read_text())
    options = yaml.safe_load((project / "conf/base/parameters_training.yml").read_text())
    options = options["model_options"]
    # The table the test writes must be the one the page's files read.
    assert [*options["features"], options["target"]] == ["area", "rooms", "age", "price"]
    write_houses(project / catalog["houses"]["filepath"])
    return project


def test_the_page_states_the_lines_it_asks_for():
    files = doc_files()
    assert [path for path, *_ in files] == [
        "src/houses/pipelines/training/__init__.py",
        "conf/base/parameters_training.yml",
        "conf/base/catalog.yml",
    ]
    for path, stated, _, text in files:
        assert len(text.splitlines()) == stated, path
    [total] = TOTAL.findall(DOC.read_text())
    assert sum(stated for _, stated, _, _ in files) == int(total) <= 60


def test_kedro_run_trains_in_a_training_job_and_scores_the_model(project):
    result = kedro_run(project)

    assert result.returncode == 0, result.stdout + result.stderr
    job = json.loads((project / "data/06_models/training_job.json").read_text())
    archive = Path(urlparse(job["model_artifact"]).path)
    jobs = project / "data/06_models/training-jobs"
    assert archive == jobs / job["job_name"] / "output/model.tar.gz"
    assert archive.is_file() and archive.stat().st_size > 0
    assert job["job_name"].startswith("houses-") and job["reused"] is False
    assert (project / "data/06_models/model/model.json").is_file()
    metrics = json.loads((project / "data/08_reporting/metrics.json").read_text())
    assert 0.9 < metrics["r2"] <= 1.0, metrics  # a price linear in its features
    log = folded(result)
    assert "Pre-flight passed" in log
    assert f"Model scores on test data: r2 {metrics['r2']:.3f}," in log
    assert (project / "data/08_reporting/predictions_plot.png").read_bytes()[:4] == b"\x89PNG"

    summary = run(doc_command("python -m"), timeout=TIMEOUT, cwd=project, env=ENV)
    assert summary.returncode == 0, summary.stdout + summary.stderr
    assert f"Test R² {metrics['r2']:.3f}, MAE " in summary.stdout
    assert f"model.tar.gz:   {job['model_artifact']}" in summary.stdout

    again = kedro_run(project)

    assert again.returncode == 0, again.stdout + again.stderr
    assert f"Reusing training job {job['job_name']} (Completed at" in folded(again)
    assert sorted(path.name for path in jobs.iterdir() if path.is_dir()) == [job["job_name"]]


def stopped_before_any_job(project: Path, result) -> str:
    """The run failed before training: nothing of a job exists. Returns its one Error line."""
    assert result.returncode != 0, result.stdout + result.stderr
    assert not (project / "data/06_models").exists()
    assert not list(project.rglob("model.tar.gz"))
    assert not (project / "data/05_model_input").exists()
    assert "Traceback" not in result.stderr, result.stderr
    [sentence] = ERROR_LINE.findall(result.stderr)
    return sentence


def edit_catalog(project: Path, edit) -> None:
    path = project / "conf/base/catalog.yml"
    catalog = yaml.safe_load(path.read_text())
    edit(catalog)
    path.write_text(yaml.safe_dump(catalog, sort_keys=False))


def test_x_train_left_in_memory_stops_the_run_with_the_pages_sentence(project):
    edit_catalog(project, lambda catalog: catalog.pop("X_train"))

    sentence = stopped_before_any_job(project, kedro_run(project))

    assert sentence == (
        "Error: Pre-flight check failed: 'X_train' is kept in memory, but a training job "
        "reads its channel from files; add a catalog entry for 'X_train' "
        "(pandas.ParquetDataset) with filepath data/05_model_input/train/X_train.parquet, in "
        "the folder training.channel in conf/base/parameters_training.yml names."
    )
    assert sentence in DOC.read_text()


def test_a_channel_path_other_than_training_channel_stops_the_run(project):
    elsewhere = "data/05_model_input/X_train.parquet"
    edit_catalog(project, lambda catalog: catalog["X_train"].update(filepath=elsewhere))

    sentence = stopped_before_any_job(project, kedro_run(project))

    assert sentence == (
        f"Error: Pre-flight check failed: The catalog saves 'X_train' to {project / elsewhere}, "
        "but the training channel is data/05_model_input/train (training.channel in "
        "conf/base/parameters_training.yml); set its filepath to "
        "data/05_model_input/train/X_train.parquet."
    )
