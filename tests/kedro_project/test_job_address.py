"""The content address: what changes it, and what does not."""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path

import pytest
from kedro_sagemaker_byoc.job_address import RESOURCE_SETTINGS, job_address
from kedro_sagemaker_byoc.job_reuse import ADDRESS_TAG, tagged
from kedro_sagemaker_byoc.preflight.schema import Training
from sagemaker.estimator import Estimator, EstimatorBase

from tests.support import ENTRY_POINT, REPO_ROOT

DIGEST = "sha256:" + "ab" * 32
HYPERPARAMETERS = {"features": '"engines,crew"', "fit_intercept": "true", "positive": "false"}


@pytest.fixture
def training(channel_dir: Path) -> dict:
    """A sagemaker-like training configuration over a real channel folder."""
    return {
        "model_adapter": "linear_regression.adapter.LinearRegressionAdapter",
        "job_name_prefix": "spaceflights",
        "channel": str(channel_dir),
        "estimator": {
            "class": "sagemaker.estimator.Estimator",
            "image_uri": f"123456789012.dkr.ecr.us-east-1.amazonaws.com/spaceflights@{DIGEST}",
            "role": "arn:aws:iam::123456789012:role/a",
            "instance_type": "ml.m5.large",
            "instance_count": 1,
            "volume_size": 30,
            "max_run": 3600,
            "output_path": "s3://bucket/spaceflights/training-jobs",
            "enable_network_isolation": True,
            "tags": [{"Key": "project", "Value": "spaceflights"}],
            "metric_definitions": [{"Name": "train:r2", "Regex": "r2=(.*)"}],
        },
    }


def checked(training: dict) -> Training:
    """``training`` as the pre-flight hands it on: checked and typed."""
    return Training.model_validate(training)


def address(training: dict, hyperparameters: dict | None = None) -> str:
    value = job_address(checked(training), hyperparameters or HYPERPARAMETERS).value
    assert value is not None and len(value) == 64
    return value


def with_estimator(training: dict, **settings) -> dict:
    return {**training, "estimator": {**training["estimator"], **settings}}


def test_the_same_job_has_the_same_address(training):
    assert address(training) == address(dict(training))


@pytest.mark.parametrize(
    "settings",
    [
        {
            "image_uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/spaceflights@sha256:"
            + "cd" * 32
        },
        {"class": "kedro_sagemaker_byoc.backends.local_estimator.LocalToolkitEstimator"},
        {"instance_type": "ml.m5.xlarge"},
        {"instance_count": 2},
        {"volume_size": 50},
        {"max_run": 7200},
        {"use_spot_instances": True, "max_wait": 7200},
        {"checkpoint_s3_uri": "s3://bucket/spaceflights/training-jobs/checkpoints"},
        {"volume_kms_key": "alias/training"},
        {"output_kms_key": "alias/training"},
        {"subnets": ["subnet-1"], "security_group_ids": ["sg-1"]},
        {"enable_network_isolation": False},
        {"input_mode": "FastFile"},
        {"environment": {"OMP_NUM_THREADS": "1"}},
        {"container_entry_point": ["python3", "/opt/ml/code/train.py"]},
    ],
    ids=lambda settings: ",".join(settings),
)
def test_what_changes_the_result_or_the_bill_changes_the_address(training, settings):
    assert address(with_estimator(training, **settings)) != address(training)


def test_every_resource_setting_is_an_argument_the_estimator_takes():
    # A misspelt key here would silently never change an address.
    known = set(inspect.signature(Estimator.__init__).parameters)
    known |= set(inspect.signature(EstimatorBase.__init__).parameters)
    assert set(RESOURCE_SETTINGS) <= known


def test_the_hyperparameters_and_the_channel_content_change_the_address(training, channel_dir):
    before = address(training)
    assert address(training, {**HYPERPARAMETERS, "positive": "true"}) != before
    (channel_dir / "y_train.parquet").write_bytes(b"other data")
    assert address(training) != before


@pytest.mark.parametrize(
    "settings",
    [
        {"role": "arn:aws:iam::123456789012:role/b"},
        {"output_path": "s3://other/training-jobs"},
        {"tags": []},
        {"metric_definitions": None},
        # The same digest in another repository is the same image.
        {"image_uri": f"210987654321.dkr.ecr.us-east-1.amazonaws.com/copy@{DIGEST}"},
    ],
    ids=lambda settings: ",".join(settings),
)
def test_what_only_names_or_files_the_job_leaves_the_address(training, settings):
    assert address(with_estimator(training, **settings)) == address(training)


def test_the_name_prefix_and_where_the_channel_lies_leave_the_address(training, tmp_path):
    moved = shutil.copytree(training["channel"], tmp_path / "elsewhere")
    again = {**training, "job_name_prefix": "other", "channel": str(moved)}
    assert address(again) == address(training)


def test_an_image_named_by_tag_has_no_address(training):
    found = job_address(
        checked(with_estimator(training, image_uri="training-linear-regression:latest")), {}
    )
    assert found.value is None
    assert "training-linear-regression:latest is named by a tag" in found.unaddressable


def test_without_an_image_the_training_code_is_addressed(training, tmp_path):
    code = shutil.copytree(ENTRY_POINT.parent, tmp_path / "model")
    local = {
        **training,
        "estimator": {
            "class": "kedro_sagemaker_byoc.backends.local_estimator.LocalToolkitEstimator",
            "entry_point": str(code / ENTRY_POINT.name),
            "output_path": "data/06_models/training-jobs",
        },
    }
    before = address(local)
    (code / "linear_regression/__pycache__").mkdir(exist_ok=True)
    (code / "linear_regression/__pycache__/extra.cpython-311.pyc").write_bytes(b"cache")
    assert address(local) == before
    # The model's package beside the entry point is what Python runs, so it counts...
    module = code / "linear_regression/regression.py"
    module.write_text(module.read_text() + "\n# changed\n")
    changed = address(local)
    assert changed != before
    # ...and so does the contract, found where Python finds it (here, the venv's).
    contract = code / "training_contract"
    shutil.copytree(REPO_ROOT / "contract/training_contract", contract)
    assert address(local) == changed
    (contract / "trainer.py").write_text((contract / "trainer.py").read_text() + "\n# changed\n")
    assert address(local) != changed


def test_a_model_named_by_import_path_is_addressed_by_its_package(training, tmp_path, monkeypatch):
    # A model package installed with pip has no train.py: its Model is named instead, and
    # the program run for it imports the package, whose sources then count.
    package = tmp_path / "installed_model"
    package.mkdir()
    (package / "__init__.py").write_text("from tests.contract.tiny_model import MODEL\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    local = {
        **training,
        "estimator": {
            "class": "kedro_sagemaker_byoc.backends.local_estimator.LocalToolkitEstimator",
            "entry_point": "installed_model.MODEL",
            "output_path": "data/06_models/training-jobs",
        },
    }
    before = address(local)
    assert address(local) == before
    (package / "__init__.py").write_text((package / "__init__.py").read_text() + "# changed\n")
    assert address(local) != before


def test_an_entry_point_that_cannot_run_has_no_address(training):
    local = with_estimator(training, image_uri=None, entry_point="no_such_module.MODEL")
    found = job_address(checked(local), HYPERPARAMETERS)
    assert found.value is None
    assert found.unaddressable == "its entry point cannot be run (EntryPointError)"


def test_only_sagemaker_jobs_carry_the_address_tag(training):
    spec = tagged(training["estimator"], "f" * 64)
    assert spec["tags"] == [
        {"Key": "project", "Value": "spaceflights"},
        {"Key": ADDRESS_TAG, "Value": "f" * 64},
    ]
    assert training["estimator"]["tags"] == [{"Key": "project", "Value": "spaceflights"}]
    local = {"class": "x.Local", "output_path": "data/06_models/training-jobs"}
    assert tagged(local, "f" * 64) == local
