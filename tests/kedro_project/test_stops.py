"""Ending a ``kedro run`` early: SIGTERM and SIGINT stop training and leave nothing behind,
and a second run in the same folder refuses to start while the first holds it."""

from __future__ import annotations

import json
import signal

import pytest

from tests.processes import processes_in
from tests.support import (
    TRAIN_NODE_ONLY,
    TRAINING_STARTED,
    read_until,
    start_kedro,
    write_big_channel,
)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_a_signal_to_kedro_stops_training_and_leaves_nothing_behind(
    project, features, tmp_path, stop_signal, spawn
):
    write_big_channel(project / "data/05_model_input/train", features)
    tmpdir = tmp_path / "tmp"
    run = start_kedro(spawn, project, *TRAIN_NODE_ONLY, tmpdir=tmpdir)
    read_until(run, TRAINING_STARTED)

    run.send_signal(stop_signal)  # to the kedro process alone, as `kill` does
    output = run.communicate(timeout=120)[0]

    assert run.returncode != 0, output
    flat = " ".join(output.split())
    assert "was interrupted before it finished; no model was made" in flat, flat[-3000:]
    assert processes_in(tmpdir) == []
    assert list(tmpdir.iterdir()) == []  # the job folder, with its channel copy, is gone
    assert not (project / "data/06_models/training_job.json").exists()
    assert not list((project / "data/06_models").rglob("model.tar.gz"))


def test_a_second_run_in_the_same_folder_refuses_to_start_and_names_the_first(
    project, features, tmp_path, spawn
):
    write_big_channel(project / "data/05_model_input/train", features)
    first = start_kedro(spawn, project, *TRAIN_NODE_ONLY, tmpdir=tmp_path / "tmp")
    read_until(first, TRAINING_STARTED)
    # Paused, the first run holds the folder for as long as the second needs to try it.
    first.send_signal(signal.SIGSTOP)
    try:
        second = start_kedro(
            spawn, project, "--pipeline", "data_processing", tmpdir=tmp_path / "tmp"
        )
        second_output = second.communicate(timeout=120)[0]
    finally:
        first.send_signal(signal.SIGCONT)
    first_output = first.communicate(timeout=300)[0]

    assert second.returncode != 0
    flat = " ".join(second_output.split())
    assert f"Another kedro run (PID {first.pid}, started " in flat, flat[-3000:]
    assert "wait for it to finish or stop it" in flat
    assert not (project / "data/02_intermediate/preprocessed_companies.parquet").exists()
    assert first.returncode == 0, first_output[-3000:]


def test_a_lock_left_by_a_killed_run_is_taken_over(project, tmp_path, spawn):
    lock = project / "data/.kedro-run.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    dead = {"pid": 999_999, "started": "2026-01-01 00:00:00 UTC", "env": "local"}
    lock.write_text(json.dumps(dead))

    run = start_kedro(spawn, project, "--pipeline", "data_processing", tmpdir=tmp_path / "tmp")
    output = run.communicate(timeout=300)[0]

    assert run.returncode == 0, output[-3000:]
    assert json.loads(lock.read_text())["pid"] == run.pid
