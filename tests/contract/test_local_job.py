"""``python -m training_contract.local_job``: what train_local.sh runs around docker run."""

import json
import subprocess
import sys

import pytest

from tests.support import REPO_ROOT
from training_contract import local_job
from training_contract.job_folder import HOST


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """The CLI as the script runs it: the host's python, the package on PYTHONPATH only."""
    return subprocess.run(
        [sys.executable, "-I", "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
         "from training_contract.local_job import main; sys.exit(main(sys.argv[2:]))",
         str(REPO_ROOT / "contract"), *args],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_write_lays_out_a_sagemaker_job_folder_with_the_channel_copied_in(tmp_path, channel_dir):
    job = tmp_path / "job"
    hyperparameters = '{"shuffle": false, "columns": ["width", "height"], "depth": 3}'

    result = run_cli("write", "--job", str(job), "--channel", str(channel_dir),
                     "--hyperparameters", hyperparameters)  # fmt: skip

    assert result.returncode == 0, result.stderr
    stored = json.loads((job / "input/config/hyperparameters.json").read_text())
    assert stored == {"shuffle": "false", "columns": '["width", "height"]', "depth": "3"}
    assert json.loads((job / "input/config/resourceconfig.json").read_text())["hosts"] == [HOST]
    assert sorted(p.name for p in (job / "input/data/train").iterdir()) == [
        "X_train.parquet",
        "y_train.parquet",
    ]
    assert (job / "model").is_dir() and (job / "output").is_dir()


def test_a_value_with_a_newline_reaches_both_modes_as_one_argument(tmp_path):
    stored = local_job.stored_hyperparameters(json.dumps({"label": "a\nb"}))
    assert local_job.command("direct", stored) == [
        "python",
        "/opt/ml/code/train.py",
        "--label",
        "a\nb",
    ]
    # In sagemaker mode the value travels in hyperparameters.json, decoded by the toolkit.
    assert json.loads(stored["label"]) == "a\nb"
    assert local_job.command("sagemaker", stored) == ["train"]


def test_options_mount_model_and_output_one_by_one(tmp_path):
    result = run_cli("options", "--mode", "direct", "--job", str(tmp_path), "--channel", "/c")

    options = result.stdout.split("\0")[:-1]
    assert f"--volume={tmp_path}/model:/opt/ml/model" in options
    assert f"--volume={tmp_path}/output:/opt/ml/output" in options
    assert "--volume=/c:/opt/ml/input/data/train:ro" in options
    assert "--env=SM_CHANNEL_TRAIN=/opt/ml/input/data/train" in options


def test_a_bad_hyperparameters_json_is_one_sentence(tmp_path):
    result = run_cli("write", "--job", str(tmp_path), "--channel", str(tmp_path),
                     "--hyperparameters", "[1, 2]")  # fmt: skip

    assert result.returncode == 2
    assert result.stderr.strip() == (
        """train_local: --hyperparameters must be a JSON object, e.g. '{"fit_intercept": false}'."""
    )


@pytest.mark.parametrize(
    ("exit_code", "model", "failure", "expected_code", "line"),
    [
        (0, True, None, 0, "Model: "),
        (0, False, None, 1, "Training exited 0 but wrote no model"),
        (130, False, "Training was interrupted.", 130, "Training failed (exit 130): Training"),
        (137, False, None, 137, "most likely killed for running out of memory"),
    ],
)
def test_report_needs_a_model_for_success_and_passes_the_exit_code_through(
    tmp_path, exit_code, model, failure, expected_code, line
):
    local_job.write("direct", tmp_path, tmp_path, {})
    if model:
        (tmp_path / "model/tiny.json").write_text("{}")
    if failure:
        (tmp_path / "output/failure").write_text(failure + "\n")

    printed, code = local_job.report(tmp_path, exit_code)

    assert code == expected_code
    assert line in printed
