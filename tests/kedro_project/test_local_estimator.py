"""The local backend lays out the job as SageMaker would and runs the real toolkit."""

import json
import tarfile
import textwrap
from urllib.parse import urlparse

import pytest
from kedro_sagemaker_byoc.backends.entry_point import EntryPointError
from kedro_sagemaker_byoc.backends.local_estimator import LocalToolkitEstimator

from training_contract.hyperparameters import to_sagemaker

# An entry point that copies what the toolkit gave it into model/, so the test can read
# the job folder and the arguments back out of model.tar.gz.
DUMP_CONTRACT = textwrap.dedent(
    """
    import json, os, shutil, sys
    model_dir = os.environ["SM_MODEL_DIR"]
    config_dir = os.path.join(os.environ["SAGEMAKER_BASE_DIR"], "input", "config")
    for name in os.listdir(config_dir):
        shutil.copy(os.path.join(config_dir, name), model_dir)
    with open(os.path.join(model_dir, "argv.json"), "w") as f:
        json.dump(sys.argv[1:], f)
    with open(os.path.join(model_dir, "channel.json"), "w") as f:
        json.dump(sorted(os.listdir(os.environ["SM_CHANNEL_TRAIN"])), f)
    with open(os.path.join(model_dir, "model.json"), "w") as f:
        json.dump({}, f)
    """
)


@pytest.fixture
def finished_job(tmp_path, channel_dir):
    entry_point = tmp_path / "dump.py"
    entry_point.write_text(DUMP_CONTRACT)
    estimator = LocalToolkitEstimator(
        entry_point=str(entry_point),
        output_path=str(tmp_path / "jobs"),
        hyperparameters=to_sagemaker({"features": ["engines", "crew"], "fit_intercept": False}),
    )
    estimator.fit({"train": channel_dir.as_uri()}, job_name="job-1", logs=False)
    description = estimator.latest_training_job.describe()
    archive = urlparse(description["ModelArtifacts"]["S3ModelArtifacts"]).path
    with tarfile.open(archive) as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    return description, archive, files


def test_config_files_are_written_as_sagemaker_writes_them(finished_job):
    _, _, files = finished_job
    assert json.loads(files["hyperparameters.json"]) == {
        "features": '["engines", "crew"]',
        "fit_intercept": "false",
    }
    assert json.loads(files["inputdataconfig.json"])["train"]["TrainingInputMode"] == "File"
    resources = json.loads(files["resourceconfig.json"])
    assert (resources["current_host"], resources["hosts"]) == ("algo-1", ["algo-1"])


def test_hyperparameters_reach_the_entry_point_as_arguments(finished_job):
    _, _, files = finished_job
    assert json.loads(files["argv.json"]) == [
        "--features",
        "['engines', 'crew']",
        "--fit_intercept",
        "False",
    ]


def test_channel_is_copied_and_model_tar_gz_lands_where_sagemaker_puts_it(finished_job, tmp_path):
    description, archive, files = finished_job
    assert json.loads(files["channel.json"]) == ["X_train.parquet", "y_train.parquet"]
    assert description["TrainingJobStatus"] == "Completed"
    assert archive == str(tmp_path / "jobs" / "job-1" / "output" / "model.tar.gz")


def test_a_failing_entry_point_leaves_no_archive(tmp_path, channel_dir):
    entry_point = tmp_path / "fail.py"
    entry_point.write_text("import sys; sys.exit(3)")
    estimator = LocalToolkitEstimator(str(entry_point), str(tmp_path / "jobs"))

    estimator.fit({"train": str(channel_dir)}, job_name="job-2", logs=False)

    description = estimator.latest_training_job.describe()
    assert description["TrainingJobStatus"] == "Failed"
    assert description["FailureReason"]
    assert not (tmp_path / "jobs" / "job-2").exists()


def test_a_missing_entry_point_is_named(tmp_path):
    estimator = LocalToolkitEstimator(str(tmp_path / "nope.py"), str(tmp_path))
    with pytest.raises(FileNotFoundError, match="nope.py not found"):
        estimator.fit({"train": str(tmp_path)}, job_name="job-3")


def test_a_model_named_by_import_path_trains_as_its_train_py_would(tmp_path, channel_dir):
    # What a project that installed the model's package with pip names: no train.py exists.
    estimator = LocalToolkitEstimator(
        "linear_regression.model.MODEL",
        str(tmp_path / "jobs"),
        to_sagemaker({"features": ["engines", "crew"]}),
    )

    estimator.fit({"train": channel_dir.as_uri()}, job_name="job-4", logs=False)

    description = estimator.latest_training_job.describe()
    assert description["TrainingJobStatus"] == "Completed", description
    archive = urlparse(description["ModelArtifacts"]["S3ModelArtifacts"]).path
    with tarfile.open(archive) as tar:
        model = json.loads(tar.extractfile("model.json").read())
    assert model["features"] == ["engines", "crew"]


@pytest.mark.parametrize(
    ("entry_point", "sentence"),
    [
        (
            "no_such_module.MODEL",
            "training.estimator.entry_point 'no_such_module.MODEL' is not a .py file and "
            "cannot be imported (ModuleNotFoundError: No module named 'no_such_module'); give "
            "the model's train.py, or its Model's import path (module.NAME) with the model's "
            "package installed here.",
        ),
        (
            "models/linear_regression/train",
            "training.estimator.entry_point 'models/linear_regression/train' is not a .py file "
            "and cannot be imported (ValueError: not a dotted import path); give the model's "
            "train.py, or its Model's import path (module.NAME) with the model's package "
            "installed here.",
        ),
        (
            "linear_regression.model.HYPERPARAMETERS",
            "training.estimator.entry_point 'linear_regression.model.HYPERPARAMETERS' is a "
            "tuple, not a training_contract Model; give the model's train.py, or the Model its "
            "train.py runs (module.NAME).",
        ),
    ],
)
def test_an_import_path_that_is_no_model_is_one_sentence(tmp_path, entry_point, sentence):
    estimator = LocalToolkitEstimator(entry_point, str(tmp_path))
    with pytest.raises(EntryPointError) as raised:
        estimator.fit({"train": str(tmp_path)}, job_name="job-5")
    assert str(raised.value) == sentence
    assert not (tmp_path / "job-5").exists()


def test_an_entry_point_that_exits_0_without_a_model_is_a_failed_job(tmp_path, channel_dir):
    entry_point = tmp_path / "lazy.py"
    entry_point.write_text("print('pretending to train')\n")
    estimator = LocalToolkitEstimator(str(entry_point), str(tmp_path / "jobs"), {})

    estimator.fit({"train": channel_dir.as_uri()}, job_name="job-2", logs=False)

    description = estimator.latest_training_job.describe()
    assert description["TrainingJobStatus"] == "Failed"
    assert "Training reported success but" in description["FailureReason"]
    assert "/model is empty" in description["FailureReason"]
    assert not (tmp_path / "jobs" / "job-2").exists()
