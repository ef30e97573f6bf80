"""A correct sagemaker configuration in the local AWS, and the node run that must stop.

``stopped`` runs the training node; it asserts that the pre-flight refused the run, that no
CreateTrainingJob request reached the local AWS and that nothing was uploaded, and returns
the error's text with whitespace folded, for the test to quote its sentence.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import boto3
import pytest
from kedro_sagemaker_byoc.nodes import train_model
from kedro_sagemaker_byoc.preflight import PreflightError, origin

from spaceflights.settings import CONFIG_LOADER_ARGS, CONFIG_LOADER_CLASS
from tests.local_aws import BUCKET, fill_sagemaker_globals
from tests.preflight_support import create_execution_role, push_image, write_image_record
from tests.support import PROJECT_DIR, make_training_frames


@pytest.fixture
def conf(tmp_path: Path, aws_env, bucket, registry, monkeypatch) -> Path:
    """conf/ filled in as a user and build_and_push.sh would, for a project in tmp_path."""
    conf = tmp_path / "conf"
    shutil.copytree(PROJECT_DIR / "conf", conf)
    (conf / "sagemaker/globals_image.yml").unlink(missing_ok=True)
    fill_sagemaker_globals(conf)
    create_execution_role()
    write_image_record(conf.parent, push_image(registry))
    monkeypatch.setattr(origin, "_current", origin.ConfigOrigin(conf, "sagemaker"))
    monkeypatch.chdir(tmp_path)
    return conf


@pytest.fixture
def aws(aws_env, bucket, execution_role, pushed_image) -> dict[str, str]:
    """The local AWS with the bucket, the execution role and the image in place."""
    return aws_env


def parameters(conf: Path) -> dict:
    """The sagemaker environment's parameters, resolved as ``kedro run --env sagemaker`` does."""
    loader = CONFIG_LOADER_CLASS(
        str(conf), **{**CONFIG_LOADER_ARGS, "default_run_env": "sagemaker"}
    )
    return loader["parameters"]


@pytest.fixture
def run(conf: Path):
    """The parameters, and a channel written where split_data writes it."""
    params = parameters(conf)
    channel = conf.parent / params["training"]["channel"]
    channel.mkdir(parents=True)
    X, y = make_training_frames(params["model_options"]["features"])
    X.to_parquet(channel / "X_train.parquet")
    y.to_parquet(channel / "y_train.parquet")
    return {"params": params, "X": X, "y": y, "objects": bucket_keys()}


def bucket_keys() -> list[str]:
    listing = boto3.client("s3").list_objects_v2(Bucket=BUCKET)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def stopped(run: dict, requests: list) -> str:
    """Run the node; it must stop in the pre-flight, before any upload or job."""
    params = run["params"]
    with pytest.raises(PreflightError) as raised:
        train_model(run["X"], run["y"], params["model_options"], params["training"])
    assert requests == []
    assert bucket_keys() == run["objects"]
    return " ".join(str(raised.value).split())
