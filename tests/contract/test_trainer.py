"""The trainer's contract, with the tiny model: a model only once ``train`` returned, metric
lines, and on any other ending the exit code and one sentence in the failure file."""

from __future__ import annotations

import json
import re
import signal
import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.contract import tiny_model
from tests.contract.jobs import TINY_TRAIN, run, watched
from tests.contract.tiny_model import MODEL
from tests.support import REPO_ROOT, assert_one_sentence
from training_contract import trainer
from training_contract.model import Model, TrainingJob


def job_environ(tmp_path: Path, channel: Path) -> dict[str, str]:
    return {
        "SM_CHANNEL_TRAIN": str(channel),
        "SM_MODEL_DIR": str(tmp_path / "model"),
        "SM_OUTPUT_DIR": str(tmp_path / "output"),
    }


def run_main(
    tmp_path: Path, channel: Path, args: list[str], model: Model = MODEL
) -> tuple[int, Path, Path]:
    model_dir, output_dir = tmp_path / "model", tmp_path / "output"
    model_dir.mkdir(exist_ok=True)
    return trainer.main(model, args, job_environ(tmp_path, channel)), model_dir, output_dir


def contents(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_trains_and_writes_the_model(tmp_path, channel_dir, features):
    code, model_dir, output_dir = run_main(tmp_path, channel_dir, ["--scale", "2"])

    assert code == trainer.SUCCESS
    assert contents(model_dir) == [tiny_model.MODEL_FILE]  # no staging folder left behind
    document = json.loads((model_dir / tiny_model.MODEL_FILE).read_text())
    price = pd.read_parquet(channel_dir / "y_train.parquet")["price"]
    assert document == {
        "features": features,  # none named: every column of the channel
        "rows": len(price),
        "mean": round(2 * price.mean(), 6),
    }
    assert not (output_dir / "failure").exists()


def test_typed_hyperparameters_reach_the_model(tmp_path, channel_dir, features):
    args = ["--features", str(features[:2]), "--digits", "1", "--per_feature", "true"]

    code, model_dir, _ = run_main(tmp_path, channel_dir, args)

    assert code == trainer.SUCCESS
    document = json.loads((model_dir / tiny_model.MODEL_FILE).read_text())
    X = pd.read_parquet(channel_dir / "X_train.parquet")
    assert document["features"] == features[:2]
    assert document["mean"] == round(document["mean"], 1)
    assert document["feature_means"] == pytest.approx(X[features[:2]].mean().tolist())


def test_logs_the_start_then_metric_lines_that_metric_definitions_can_match(
    tmp_path, channel_dir, capsys
):
    run_main(tmp_path, channel_dir, ["--digits", "3"])
    printed = capsys.readouterr().out.splitlines()

    assert printed[0].startswith(f"{trainer.TRAINING_STARTED} tiny with features=(), ")
    assert "digits=3" in printed[0]
    rows = re.search(r"^metric train_rows=([-+0-9.eE]+)$", "\n".join(printed), re.M)
    mean = re.search(r"^metric train_mean=([-+0-9.eE]+)$", "\n".join(printed), re.M)
    assert rows and float(rows.group(1)) == 200
    assert mean and float(mean.group(1)) > 0


def corrupt(channel: Path, features: list[str]) -> None:
    (channel / "X_train.parquet").write_bytes(b"PAR1 this is not parquet")


def empty(channel: Path, features: list[str]) -> None:
    (channel / "y_train.parquet").write_bytes(b"")


def drop_feature(channel: Path, features: list[str]) -> None:
    X = pd.read_parquet(channel / "X_train.parquet")
    X.drop(columns=features[1]).to_parquet(channel / "X_train.parquet")


def make_non_numeric(channel: Path, features: list[str]) -> None:
    X = pd.read_parquet(channel / "X_train.parquet")
    X[features[0]] = X[features[0]].astype(str).radd("n")
    X.to_parquet(channel / "X_train.parquet")


def nan_target(channel: Path, features: list[str]) -> None:
    y = pd.read_parquet(channel / "y_train.parquet")
    y.loc[3, "price"] = float("nan")
    y.to_parquet(channel / "y_train.parquet")


def remove_channel(channel: Path, features: list[str]) -> None:
    for path in channel.iterdir():
        path.unlink()
    channel.rmdir()


ALL = "features, scale, digits, per_feature, behaviour"
BAD_INPUTS = {
    "missing channel": (remove_channel, [], ["Training channel 'train' is missing"]),
    "empty parquet": (empty, [], ["y_train.parquet", "not a readable parquet file"]),
    "corrupt parquet": (corrupt, [], ["X_train.parquet", "not a readable parquet file"]),
    "missing feature column": (drop_feature, [], ["X_train.parquet", "'height'"]),
    "non-numeric values": (make_non_numeric, [], ["'width'", "non-numeric"]),
    "NaN in the target": (nan_target, [], ["'price'", "y_train.parquet", "NaN", "row 3"]),
    "unknown hyperparameter": (
        None,
        ["--alpha", "1"],
        [f"Unknown hyperparameter 'alpha': this model accepts {ALL}"],
    ),
    "malformed hyperparameter": (None, ["--per_feature", "sometimes"], ["'per_feature'"]),
    "hyperparameter out of bounds": (None, ["--digits", "13"], ["'digits'", "at most 12"]),
    "the model's own sentence": (None, ["--behaviour", "bad-input"], ["refuses this channel"]),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_fails_with_one_sentence_and_no_model(tmp_path, channel_dir, features, case):
    spoil, args, fragments = BAD_INPUTS[case]
    if spoil:
        spoil(channel_dir, features)

    code, model_dir, output_dir = run_main(
        tmp_path, channel_dir, ["--features", ",".join(features), *args]
    )

    assert code == trainer.BAD_INPUT
    assert_one_sentence((output_dir / "failure").read_text(), *fragments)
    assert contents(model_dir) == []


def test_an_unexpected_error_is_exit_2_with_its_type_and_no_half_written_model(
    tmp_path, channel_dir, capsys
):
    code, model_dir, output_dir = run_main(tmp_path, channel_dir, ["--behaviour", "crash"])

    assert code == trainer.UNEXPECTED
    assert_one_sentence(
        (output_dir / "failure").read_text(),
        "Unexpected RuntimeError while training: the tiny model crashed after writing its file",
        "see the job's log",
    )
    assert "Traceback" in capsys.readouterr().err  # for whoever debugs, in the log
    # The model wrote its file before it crashed: it stayed in the staging folder.
    assert contents(model_dir) == []


def test_a_model_that_writes_nothing_fails(tmp_path, channel_dir):
    code, model_dir, output_dir = run_main(tmp_path, channel_dir, ["--behaviour", "write-nothing"])

    assert code == trainer.BAD_INPUT
    assert_one_sentence(
        (output_dir / "failure").read_text(), "The model 'tiny' finished training but wrote nothing"
    )
    assert contents(model_dir) == []


def test_the_model_writes_into_a_staging_folder_that_is_no_model(tmp_path, channel_dir):
    seen = {}

    def train(job: TrainingJob) -> dict[str, float]:
        (job.model_dir / "weights.json").write_text("[1.0]")
        seen["staging"] = job.model_dir
        seen["model visible"] = job.environment.model_written()
        return {}

    code, model_dir, _ = run_main(tmp_path, channel_dir, [], Model("staged", (), train))

    assert code == trainer.SUCCESS
    assert seen["staging"].parent == model_dir and seen["staging"].name.startswith(".")
    assert seen["model visible"] is False
    assert contents(model_dir) == ["weights.json"]


def test_a_staging_folder_left_by_a_killed_job_is_cleared(tmp_path, channel_dir):
    leftover = tmp_path / "model" / trainer.STAGING_DIR
    leftover.mkdir(parents=True)
    (leftover / "half.json").write_text("{")

    code, model_dir, _ = run_main(tmp_path, channel_dir, [])

    assert code == trainer.SUCCESS
    assert contents(model_dir) == [tiny_model.MODEL_FILE]


def test_a_new_model_replaces_the_files_and_folders_of_the_last(tmp_path, channel_dir):
    def train(job: TrainingJob) -> dict[str, float]:
        scale = job.hyperparameters["scale"]
        (job.model_dir / "weights").mkdir()
        (job.model_dir / "weights" / f"part-{scale:g}").write_text("")
        (job.model_dir / "model.json").write_text(json.dumps(scale))
        return {}

    model = Model("folders", tiny_model.HYPERPARAMETERS[1:2], train)
    run_main(tmp_path, channel_dir, ["--scale", "1"], model)
    code, model_dir, _ = run_main(tmp_path, channel_dir, ["--scale", "2"], model)

    assert code == trainer.SUCCESS
    assert contents(model_dir) == ["model.json", "weights"]
    assert json.loads((model_dir / "model.json").read_text()) == 2
    assert contents(model_dir / "weights") == ["part-2"]


def test_a_channel_the_job_lacks_is_named(tmp_path, channel_dir):
    def train(job: TrainingJob) -> dict[str, float]:
        job.channel("validation")
        return {}

    code, model_dir, output_dir = run_main(tmp_path, channel_dir, [], Model("two", (), train))

    assert code == trainer.BAD_INPUT
    assert_one_sentence(
        (output_dir / "failure").read_text(),
        "Training channel 'validation' is missing",
        "SM_CHANNEL_VALIDATION",
    )


# ---- stops ---------------------------------------------------------------------------------


def stop_self(signum: int) -> None:
    """The signal SageMaker (SIGTERM) or a terminal (SIGINT) sends, to this test's thread."""
    signal.pthread_kill(threading.main_thread().ident, signum)


@pytest.mark.parametrize(
    ("signum", "code", "fragment"),
    [
        (signal.SIGTERM, 143, "Training was stopped (SIGTERM: StopTrainingJob"),
        (signal.SIGINT, 130, "Training was interrupted (SIGINT, Ctrl-C)"),
    ],
    ids=["SIGTERM", "SIGINT"],
)
def test_a_stop_during_training_ends_with_its_code_sentence_and_no_model(
    tmp_path, channel_dir, signum, code, fragment
):
    def train(job: TrainingJob) -> dict[str, float]:
        (job.model_dir / "model.json").write_text("{}")
        stop_self(signum)
        raise AssertionError("the stop did not interrupt training")

    ended, model_dir, output_dir = run_main(tmp_path, channel_dir, [], Model("stopped", (), train))

    assert ended == code
    assert_one_sentence((output_dir / "failure").read_text(), fragment, "no model was written")
    assert contents(model_dir) == []


def test_a_stop_while_the_model_moves_takes_the_whole_model_out(tmp_path, channel_dir, monkeypatch):
    # The stop comes right after the first file moved: without holding it until all have
    # moved, model/ would keep that one file, half a model.
    move = trainer._move
    calls = []

    def move_then_stop(path: Path, model_dir: Path) -> Path:
        moved = move(path, model_dir)
        calls.append(path.name)
        if len(calls) == 1:
            stop_self(signal.SIGTERM)
        return moved

    def train(job: TrainingJob) -> dict[str, float]:
        for name in ("a.json", "b.json", "c.json"):
            (job.model_dir / name).write_text("{}")
        return {}

    monkeypatch.setattr(trainer, "_move", move_then_stop)
    code, model_dir, output_dir = run_main(tmp_path, channel_dir, [], Model("three", (), train))

    assert calls == ["a.json", "b.json", "c.json"]
    assert code == 143
    assert "Training was stopped (SIGTERM" in (output_dir / "failure").read_text()
    assert contents(model_dir) == []


@pytest.mark.parametrize(
    ("signum", "code", "fragment"),
    [
        (signal.SIGTERM, 143, "Training was stopped (SIGTERM"),
        (signal.SIGINT, 130, "Training was interrupted (SIGINT"),
    ],
    ids=["SIGTERM", "SIGINT"],
)
def test_the_entry_point_process_stops_with_its_code_sentence_and_no_model(
    tmp_path, channel_dir, signum, code, fragment
):
    environ = {
        **job_environ(tmp_path, channel_dir),
        "PYTHONUNBUFFERED": "1",
        "PATH": "/usr/bin:/bin",
    }
    command = [sys.executable, str(TINY_TRAIN), "--behaviour", "hold"]

    with watched(command, environ) as process:
        process.wait_for(tiny_model.HOLDING)  # its file is written: only the stop is missing
        process.signal(signum)
        ended, output = process.finish()

    assert ended == code, output
    assert_one_sentence((tmp_path / "output" / "failure").read_text(), fragment)
    assert f"Training failed: {fragment}" in output
    assert contents(tmp_path / "model") == []


def test_the_entry_point_script_runs_standalone(tmp_path, channel_dir):
    """``python train.py`` with the SM_* variables, as ``docker run`` in direct mode does."""
    environ = {**job_environ(tmp_path, channel_dir), "PATH": "/usr/bin:/bin"}

    code, output = run([sys.executable, str(TINY_TRAIN), "--scale", "0.5"], environ)

    assert code == 0, output
    assert (tmp_path / "model" / tiny_model.MODEL_FILE).is_file()
    assert "metric train_mean=" in output


def test_the_contract_imports_no_client_no_sdk_and_no_model():
    code = (
        "import sys; "
        "import training_contract.trainer, training_contract.supervisor, "
        "training_contract.launch, training_contract.channel, training_contract.scores, "
        "training_contract.check_image, training_contract.local_job; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('kedro', 'sagemaker', 'pandas', 'sklearn', 'linear_regression', 'spaceflights')); "
        "print(','.join(bad))"
    )
    result = run([sys.executable, "-c", code], {"PATH": "/usr/bin:/bin"})

    assert result == (0, "\n")
    source = "".join(p.read_text() for p in (REPO_ROOT / "contract").rglob("*.py"))
    imports = r"^\s*(from|import)\s+(kedro|sagemaker|linear_regression|spaceflights)\b"
    assert not re.search(imports, source, re.M)


def test_scores_of_a_model_are_plain_floats(tmp_path, channel_dir, capsys):
    # Metrics may be numpy numbers; the lines SageMaker reads are plain decimals.
    def train(job: TrainingJob) -> dict[str, float]:
        (job.model_dir / "m").write_text("")
        return {"r2": np.float64(0.5), "count": np.int64(3)}

    run_main(tmp_path, channel_dir, [], Model("numpy", (), train))

    printed = capsys.readouterr().out
    assert "metric train_r2=0.500000\n" in printed
    assert "metric train_count=3.000000\n" in printed
