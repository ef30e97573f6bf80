"""The entry point's contract: a model on good input, one clear sentence on bad input."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from spaceflights_training import trainer
from tests.support import ENTRY_POINT, assert_one_sentence


def run_main(tmp_path: Path, channel: Path, args: list[str]) -> tuple[int, Path, Path]:
    model_dir, output_dir = tmp_path / "model", tmp_path / "output"
    model_dir.mkdir()
    environ = {
        "SM_CHANNEL_TRAIN": str(channel),
        "SM_MODEL_DIR": str(model_dir),
        "SM_OUTPUT_DIR": str(output_dir),
    }
    return trainer.main(args, environ), model_dir, output_dir


def test_trains_and_writes_model_json(tmp_path, channel_dir, hyperparameter_args, features, capsys):
    code, model_dir, output_dir = run_main(tmp_path, channel_dir, hyperparameter_args)

    assert code == 0
    assert [p.name for p in model_dir.iterdir()] == ["model.json"]
    document = json.loads((model_dir / "model.json").read_text())
    assert document["features"] == features
    # The fixture's price is 10, 20, 30 ... per feature: the fit must find those weights.
    assert document["coefficients"] == pytest.approx(
        [10.0 * (i + 1) for i in range(len(features))], abs=0.1
    )
    assert not (output_dir / "failure").exists()


def test_prints_metric_lines_that_the_metric_definitions_match(
    tmp_path, channel_dir, hyperparameter_args, capsys
):
    run_main(tmp_path, channel_dir, hyperparameter_args)
    printed = capsys.readouterr().out
    conf = (
        Path(__file__).resolve().parents[2]
        / "kedro_project/conf/sagemaker/parameters_data_science.yml"
    )
    import yaml

    definitions = yaml.safe_load(conf.read_text())["training"]["estimator"]["metric_definitions"]
    for definition in definitions:
        match = re.search(definition["Regex"], printed)
        assert match, f"{definition['Name']} not found in {printed!r}"
        float(match.group(1))


def corrupt(channel: Path) -> None:
    (channel / "X_train.parquet").write_bytes(b"PAR1 this is not parquet")


def empty(channel: Path) -> None:
    (channel / "y_train.parquet").write_bytes(b"")


def drop_feature(channel: Path) -> None:
    X = pd.read_parquet(channel / "X_train.parquet")
    X.drop(columns="crew").to_parquet(channel / "X_train.parquet")


def make_non_numeric(channel: Path) -> None:
    X = pd.read_parquet(channel / "X_train.parquet")
    X["engines"] = X["engines"].astype(str).radd("n")
    X.to_parquet(channel / "X_train.parquet")


def nan_target(channel: Path) -> None:
    y = pd.read_parquet(channel / "y_train.parquet")
    y.loc[3, "price"] = float("nan")
    y.to_parquet(channel / "y_train.parquet")


def remove_channel(channel: Path) -> None:
    for path in channel.iterdir():
        path.unlink()
    channel.rmdir()


BAD_INPUTS = {
    "missing channel": (remove_channel, [], ["Training channel 'train' is missing"]),
    "empty parquet": (empty, [], ["y_train.parquet", "not a readable parquet file"]),
    "corrupt parquet": (corrupt, [], ["X_train.parquet", "not a readable parquet file"]),
    "missing feature column": (drop_feature, [], ["X_train.parquet", "'crew'"]),
    "non-numeric values": (make_non_numeric, [], ["'engines'", "non-numeric"]),
    "NaN in the target": (nan_target, [], ["'price'", "y_train.parquet", "NaN", "row 3"]),
    "unknown hyperparameter": (None, ["--alpha", "1"], ["Unknown hyperparameter 'alpha'"]),
    "malformed hyperparameter": (
        None,
        ["--positive", "sometimes"],
        ["'positive'", "true or false"],
    ),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_fails_with_one_sentence_and_no_model(
    tmp_path, channel_dir, hyperparameter_args, case
):
    spoil, extra_args, fragments = BAD_INPUTS[case]
    if spoil:
        spoil(channel_dir)

    args = dict(zip(hyperparameter_args[::2], hyperparameter_args[1::2], strict=True))
    args.update(zip(extra_args[::2], extra_args[1::2], strict=True))
    code, model_dir, output_dir = run_main(
        tmp_path, channel_dir, [x for kv in args.items() for x in kv]
    )

    assert code != 0
    assert_one_sentence((output_dir / "failure").read_text(), *fragments)
    assert list(model_dir.iterdir()) == []


def test_entry_point_script_runs_standalone(tmp_path, channel_dir, hyperparameter_args):
    """``python train.py`` with the SM_* variables, as ``docker run`` in direct mode does."""
    model_dir = tmp_path / "model"
    env = {
        "SM_CHANNEL_TRAIN": str(channel_dir),
        "SM_MODEL_DIR": str(model_dir),
        "SM_OUTPUT_DIR": str(tmp_path / "output"),
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, str(ENTRY_POINT), *hyperparameter_args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (model_dir / "model.json").is_file()
    assert "metric train_r2=" in result.stdout


def test_entry_point_imports_neither_kedro_nor_the_sagemaker_sdk():
    code = (
        "import runpy, sys; sys.argv=['train.py']; "
        "import spaceflights_training.trainer; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('kedro', 'sagemaker')); "
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
    source = ENTRY_POINT.read_text() + "".join(
        p.read_text() for p in (ENTRY_POINT.parent / "spaceflights_training").glob("*.py")
    )
    assert not re.search(r"^\s*(from|import)\s+(kedro|sagemaker)\b", source, re.M)
