"""The linear model trained through the contract: scikit-learn's model in ``model.json`` on
good input, one clear sentence on bad input, and the same model from every client."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.linear_model import LinearRegression

from linear_regression import artifact
from linear_regression.model import HYPERPARAMETERS, MODEL, fit_arrays
from tests.contract.jobs import TOOLKIT_TRAIN, run
from tests.support import ENTRY_POINT, PROJECT_DIR, assert_one_sentence
from training_contract import trainer
from training_contract.hyperparameters import to_sagemaker
from training_contract.job_folder import write_job_folder


def run_main(tmp_path: Path, channel: Path, args: list[str]) -> tuple[int, Path, Path]:
    model_dir, output_dir = tmp_path / "model", tmp_path / "output"
    model_dir.mkdir()
    environ = {
        "SM_CHANNEL_TRAIN": str(channel),
        "SM_MODEL_DIR": str(model_dir),
        "SM_OUTPUT_DIR": str(output_dir),
    }
    return trainer.main(MODEL, args, environ), model_dir, output_dir


def written(model_dir: Path) -> dict:
    assert sorted(p.name for p in model_dir.iterdir()) == [artifact.MODEL_FILE]
    return artifact.parse_document((model_dir / artifact.MODEL_FILE).read_bytes())


def channel_rows(channel: Path, features: list[str]) -> tuple[np.ndarray, np.ndarray]:
    X = pd.read_parquet(channel / "X_train.parquet")[features].to_numpy("float64")
    return X, pd.read_parquet(channel / "y_train.parquet")["price"].to_numpy("float64")


def test_trains_and_writes_model_json(tmp_path, channel_dir, hyperparameter_args, features):
    code, model_dir, output_dir = run_main(tmp_path, channel_dir, hyperparameter_args)

    assert code == 0
    document = written(model_dir)
    assert document["features"] == features
    # The fixture's price is 10, 20, 30 ... per feature: the fit must find those weights.
    assert document["coefficients"] == pytest.approx(
        [10.0 * (i + 1) for i in range(len(features))], abs=0.1
    )
    assert not (output_dir / "failure").exists()


@pytest.mark.parametrize(
    ("fit_intercept", "positive"), [(True, False), (False, False), (True, True), (False, True)]
)
def test_the_model_is_scikit_learns(tmp_path, channel_dir, features, fit_intercept, positive):
    args = ["--fit_intercept", str(fit_intercept), "--positive", str(positive)]

    code, model_dir, _ = run_main(tmp_path, channel_dir, args)

    assert code == 0
    document = written(model_dir)
    reference = LinearRegression(fit_intercept=fit_intercept, positive=positive)
    reference.fit(*channel_rows(channel_dir, features))
    np.testing.assert_allclose(document["coefficients"], reference.coef_, rtol=1e-7, atol=1e-9)
    assert document["intercept"] == pytest.approx(reference.intercept_, rel=1e-7, abs=1e-9)
    assert document["hyperparameters"] == {"fit_intercept": fit_intercept, "positive": positive}


def test_fit_arrays_gives_the_model_training_writes(tmp_path, channel_dir, features):
    code, model_dir, _ = run_main(tmp_path, channel_dir, [])

    in_memory = fit_arrays(*channel_rows(channel_dir, features), features)

    assert code == 0
    document = written(model_dir)
    np.testing.assert_allclose(in_memory["coefficients"], document["coefficients"], rtol=1e-12)
    assert {k: v for k, v in in_memory.items() if k not in ("coefficients", "intercept")} == {
        k: v for k, v in document.items() if k not in ("coefficients", "intercept")
    }


def test_prints_metric_lines_that_the_metric_definitions_match(
    tmp_path, channel_dir, hyperparameter_args, capsys
):
    run_main(tmp_path, channel_dir, hyperparameter_args)
    printed = capsys.readouterr().out
    conf = PROJECT_DIR / "conf" / "sagemaker" / "parameters_data_science.yml"

    definitions = yaml.safe_load(conf.read_text())["training"]["estimator"]["metric_definitions"]
    assert {d["Name"] for d in definitions} == {"train:r2", "train:mae", "train:max_error"}
    for definition in definitions:
        match = re.search(definition["Regex"], printed)
        assert match, f"{definition['Name']} not found in {printed!r}"
        float(match.group(1))


# ---- every client's hyperparameters --------------------------------------------------------


def client_args(client: str, features: list[str]) -> list[str]:
    if client == "v2":  # the Estimator stores str(value); the toolkit passes it on
        return ["--features", str(features), "--fit_intercept", "True"]
    if client == "v3":  # JSON stored, decoded by the toolkit, then str()
        return ["--features", str(json.loads(json.dumps(features))), "--fit_intercept", "True"]
    if client == "cli":  # JSON as text, as someone passes it by hand
        return ["--features", json.dumps(features), "--fit_intercept", "true"]
    return ["--features", ",".join(features), "--fit_intercept", "1"]  # a comma string


@pytest.mark.parametrize("client", ["v2", "v3", "cli", "comma string"])
def test_every_clients_hyperparameters_train_the_same_model(
    tmp_path, channel_dir, features, client
):
    chosen = features[::2]

    code, model_dir, _ = run_main(tmp_path, channel_dir, client_args(client, chosen))

    assert code == 0
    document = written(model_dir)
    assert document["features"] == chosen
    reference = fit_arrays(*channel_rows(channel_dir, chosen), chosen)
    np.testing.assert_allclose(document["coefficients"], reference["coefficients"], rtol=1e-12)


def test_no_hyperparameters_train_on_every_column(tmp_path, channel_dir, features):
    code, model_dir, _ = run_main(tmp_path, channel_dir, [])

    assert code == 0
    document = written(model_dir)
    assert document["features"] == features
    assert document["hyperparameters"] == {"fit_intercept": True, "positive": False}


def test_the_image_defaults_train_the_pipelines_model(model_options):
    # The pipeline's channel holds exactly model_options.features, so "every column" is
    # the pipeline's features; its hyperparameters are the image's defaults.
    defaults = {spec.name: spec.default for spec in HYPERPARAMETERS}
    assert defaults == {"features": (), **model_options["hyperparameters"]}
    assert {spec.name: spec.kind for spec in HYPERPARAMETERS} == {
        "features": list,
        "fit_intercept": bool,
        "positive": bool,
    }


# ---- bad input ---------------------------------------------------------------------------


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
    "unknown hyperparameter": (
        None,
        ["--alpha", "1"],
        ["Unknown hyperparameter 'alpha': this model accepts features, fit_intercept, positive"],
    ),
    "malformed hyperparameter": (
        None,
        ["--positive", "sometimes"],
        ["'positive'", "true or false"],
    ),
    "malformed feature list": (None, ["--features", "[1, 2]"], ["'features'", "list of names"]),
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

    assert code == trainer.BAD_INPUT
    assert_one_sentence((output_dir / "failure").read_text(), *fragments)
    assert list(model_dir.iterdir()) == []


# ---- the entry point ----------------------------------------------------------------------


def test_entry_point_script_runs_standalone(tmp_path, channel_dir, hyperparameter_args):
    """``python train.py`` with the SM_* variables, as ``docker run`` in direct mode does."""
    model_dir = tmp_path / "model"
    env = {
        "SM_CHANNEL_TRAIN": str(channel_dir),
        "SM_MODEL_DIR": str(model_dir),
        "SM_OUTPUT_DIR": str(tmp_path / "output"),
        "PATH": "/usr/bin:/bin",
    }

    code, output = run([sys.executable, str(ENTRY_POINT), *hyperparameter_args], env)

    assert code == 0, output
    assert (model_dir / "model.json").is_file()
    assert "metric train_r2=" in output


def test_a_pipeline_job_trains_through_the_toolkit(tmp_path, channel_dir, features, model_options):
    """The default environment's job: stored as the pipeline stores it, run by the image's
    supervisor and the toolkit's ``train`` on this machine."""
    stored = to_sagemaker({**model_options["hyperparameters"], "features": features})
    job = write_job_folder(tmp_path / "job", stored, ["train"])
    shutil.copytree(channel_dir, job / "input" / "data" / "train")
    (job / "code").mkdir()
    shutil.copy2(ENTRY_POINT, job / "code" / "train.py")
    env = {
        "PATH": "/usr/bin:/bin",
        "SAGEMAKER_BASE_DIR": str(job),
        "SAGEMAKER_PROGRAM": "train.py",
        "PYTHONUNBUFFERED": "1",
    }
    supervisor = [sys.executable, "-m", "training_contract.supervisor", str(TOOLKIT_TRAIN)]

    code, output = run(supervisor, env, cwd=job)

    assert code == 0, output
    assert written(job / "model")["features"] == features
    assert (job / "output" / "success").exists()


def test_training_imports_no_pandas_no_scikit_learn_and_scipy_only_for_positive(
    tmp_path, channel_dir
):
    script = (
        "import sys; from linear_regression.model import MODEL; "
        "from training_contract import trainer; "
        "from training_contract.environment import TrainingEnvironment; "
        "env = TrainingEnvironment.from_env({'SM_CHANNEL_TRAIN': sys.argv[1], "
        "'SM_MODEL_DIR': sys.argv[2], 'SM_OUTPUT_DIR': sys.argv[2]}); "
        "trainer.train(MODEL, env, sys.argv[3:]); "
        "print(sorted(m for m in ('pandas', 'sklearn', 'scipy') if m in sys.modules))"
    )
    command = [sys.executable, "-c", script, str(channel_dir), str(tmp_path)]

    plain = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)
    positive = subprocess.run(
        [*command, "--positive", "true"], capture_output=True, text=True, check=True, timeout=120
    )

    assert plain.stdout.splitlines()[-1] == "[]"
    assert positive.stdout.splitlines()[-1] == "['scipy']"


def test_entry_point_imports_neither_kedro_nor_the_sagemaker_sdk():
    code = (
        "import runpy, sys; runpy.run_path(sys.argv[1], run_name='check'); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('kedro', 'sagemaker', 'spaceflights', 'pandas', 'sklearn')); "
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(ENTRY_POINT)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout.strip() == ""
    source = ENTRY_POINT.read_text() + "".join(
        p.read_text() for p in (ENTRY_POINT.parent / "linear_regression").glob("*.py")
    )
    assert not re.search(r"^\s*(from|import)\s+(kedro|sagemaker|spaceflights)\b", source, re.M)
