"""The supervisor around the toolkit's ``train``, run here as the image runs it: with the
toolkit's real ``train`` command and the tiny model. Every ending is truthful: exit 0 only
with a model, and otherwise the exit code and one sentence in output/failure."""

from __future__ import annotations

import json
import signal
import sys

import pytest

from tests.contract import tiny_model
from tests.contract.jobs import (
    SUPERVISOR,
    TOOLKIT_TRAIN,
    add_code,
    job_env,
    lay_out_job,
    run,
    supervise,
    watched,
)
from tests.support import assert_one_sentence
from training_contract.failure import read_failure
from training_contract.hyperparameters import to_sagemaker
from training_contract.supervisor import NO_JOB_FOLDER, STOP_DEADLINE

pytestmark = pytest.mark.skipif(not TOOLKIT_TRAIN.is_file(), reason="needs the toolkit's train")


def contents(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_job_trains_through_the_toolkit_and_reports_success(tmp_path, channel_dir):
    job = lay_out_job(tmp_path / "job", channel_dir)

    code, output = supervise(job)

    assert code == 0, output
    assert contents(job / "model") == [tiny_model.MODEL_FILE]
    assert (job / "output" / "success").exists()
    assert not (job / "output" / "failure").exists()
    assert "metric train_mean=" in output
    assert "[supervisor] peak memory of training:" in output


@pytest.mark.parametrize("client", ["v3", "v2"])
def test_hyperparameters_stored_by_either_sdk_reach_the_model_typed(
    tmp_path, channel_dir, features, client
):
    values = {"features": features[1:3], "scale": 2.5, "digits": 2, "per_feature": True}
    # v3 (and the pipeline) store each value JSON-encoded; v2 stores str(value).
    stored = to_sagemaker(values) if client == "v3" else {k: str(v) for k, v in values.items()}
    job = lay_out_job(tmp_path / "job", channel_dir, stored)

    code, output = supervise(job)

    assert code == 0, output
    document = json.loads((job / "model" / tiny_model.MODEL_FILE).read_text())
    assert document["features"] == features[1:3]
    assert len(document["feature_means"]) == 2
    assert "scale=2.5, digits=2, per_feature=True" in output


def test_bad_input_ends_non_zero_with_the_entry_points_sentence(tmp_path, channel_dir):
    job = lay_out_job(tmp_path / "job", channel_dir, {"behaviour": '"bad-input"'})

    code, output = supervise(job)

    assert code == 1, output
    assert_one_sentence(read_failure(job / "output"), tiny_model.BAD_INPUT_SENTENCE)
    assert (job / "output" / "failure").read_text().count("\n") == 1
    assert contents(job / "model") == []
    assert not (job / "output" / "success").exists()


@pytest.mark.parametrize(
    ("signum", "code", "fragments"),
    [
        (signal.SIGTERM, 143, ["Training was stopped (SIGTERM", "StopTrainingJob"]),
        (signal.SIGINT, 130, ["Training was interrupted (SIGINT"]),
    ],
    ids=["SIGTERM", "SIGINT"],
)
def test_a_stop_during_training_ends_non_zero_with_its_sentence_and_no_model(
    tmp_path, channel_dir, signum, code, fragments
):
    job = lay_out_job(tmp_path / "job", channel_dir, {"behaviour": '"hold"'})
    command = [*SUPERVISOR, str(TOOLKIT_TRAIN)]

    with watched(command, job_env(job), cwd=job) as supervisor:
        supervisor.wait_for(tiny_model.HOLDING)  # the model is written, in staging
        supervisor.signal(signum)
        ended, output = supervisor.finish()

    assert ended == code, output
    assert_one_sentence((job / "output" / "failure").read_text(), *fragments)
    assert contents(job / "model") == []
    assert not (job / "output" / "success").exists()
    assert "Reporting training SUCCESS" not in output


def test_a_training_process_killed_like_the_oom_killer_does_is_named(tmp_path, channel_dir):
    # The kernel's OOM killer sends SIGKILL; the toolkit then reports "ExitCode -9" and
    # the supervisor names the memory. (tests/test_image.py runs a real memory kill.)
    job = lay_out_job(tmp_path / "job", channel_dir, {"behaviour": '"killed"'})

    code, output = supervise(job)

    assert code != 0, output
    assert_one_sentence(
        (job / "output" / "failure").read_text(),
        "Training was killed for running out of memory",
        "use an instance type with more memory, or train on less data",
    )
    assert contents(job / "model") == []


def test_a_killed_training_leaves_model_dir_empty(tmp_path, channel_dir):
    # model/ is what SageMaker uploads. Before the staging folder a killed job left it empty
    # (tests/test_image.py checked so after a memory kill), and so should it now.
    job = lay_out_job(tmp_path / "job", channel_dir, {"behaviour": '"killed"'})

    code, output = supervise(job)

    assert code != 0, output
    assert contents(job / "model") == []


def fake_train(tmp_path, script: str):
    """A command named ``train``, so the supervisor supervises it in place of the toolkit."""
    train = tmp_path / "bin" / "train"
    train.parent.mkdir()
    train.write_text(f"#!/bin/sh\n{script}\n")
    train.chmod(0o755)
    return train


def test_success_without_a_model_is_a_failure(tmp_path):
    job = lay_out_job(tmp_path / "job", None)
    (job / "model" / ".partial-model").mkdir()  # the contract's staging folder is no model

    code, output = supervise(job, str(fake_train(tmp_path, "exit 0")))

    assert code == 1
    assert_one_sentence(
        read_failure(job / "output"),
        f"Training reported success but {job / 'model'} is empty",
        "the entry point must write the model before it exits 0",
    )


def test_a_failure_text_on_several_lines_is_made_one_line(tmp_path):
    job = lay_out_job(tmp_path / "job", None)
    script = f"printf 'Framework Error:\\n  Traceback\\n' > {job}/output/failure; exit 3"

    code, _ = supervise(job, str(fake_train(tmp_path, script)))

    assert code == 3
    assert (job / "output" / "failure").read_text() == "Framework Error: Traceback\n"


def test_training_that_ignores_a_stop_is_killed_after_the_deadline(tmp_path):
    job = lay_out_job(tmp_path / "job", None)
    # It inherits the supervisor's ignored SIGTERM and, unlike the entry point, never
    # handles it.
    train = fake_train(tmp_path, "echo ignoring stops\nexec sleep 600")

    with watched([*SUPERVISOR, str(train)], job_env(job)) as supervisor:
        supervisor.wait_for("ignoring stops")
        supervisor.signal(signal.SIGTERM)
        code, output = supervisor.finish()

    assert code == 128 + signal.SIGTERM
    assert f"did not stop within {STOP_DEADLINE:.0f} s: killing it" in output
    assert "stopped" in read_failure(job / "output").lower()


def test_a_start_without_a_job_folder_or_channel_is_one_sentence(tmp_path):
    job = tmp_path / "job"
    job.mkdir()

    code, output = supervise(job)

    assert code == NO_JOB_FOLDER
    fragments = ["No SageMaker job folder and no training channel", "SM_CHANNEL_TRAIN"]
    assert_one_sentence(read_failure(job / "output"), *fragments)
    assert fragments[0] in output


def test_a_channel_alone_is_laid_out_as_a_one_host_job_with_defaults(tmp_path, channel_dir):
    job = tmp_path / "job"
    (job / "input" / "data").mkdir(parents=True)
    (job / "input" / "data" / "train").symlink_to(channel_dir)
    add_code(job)

    code, output = supervise(job)

    assert code == 0, output
    resources = json.loads((job / "input" / "config" / "resourceconfig.json").read_text())
    assert resources["hosts"] == ["localhost"]
    assert json.loads((job / "input" / "config" / "hyperparameters.json").read_text()) == {}
    assert contents(job / "model") == [tiny_model.MODEL_FILE]


def test_any_other_command_runs_unchanged(tmp_path):
    code, output = run(
        [*SUPERVISOR, sys.executable, "-c", "print('plain'); raise SystemExit(7)"],
        job_env(tmp_path),
    )

    assert (code, output) == (7, "plain\n")
    assert not (tmp_path / "output").exists()
