"""The pre-flight inside ``kedro run`` and ``python -m kedro_sagemaker_byoc.preflight``: one
sentence per problem, no code traceback, and nothing uploaded or started."""

from __future__ import annotations

import subprocess
import sys

import boto3
import pytest
import yaml

from tests.local_aws import fill_sagemaker_globals
from tests.preflight_support import create_execution_role, image_record, push_image
from tests.support import kedro


def fill_sagemaker(project, image: str) -> None:
    fill_sagemaker_globals(project / "conf")
    missing = image.split("@")[0] + "@sha256:" + "cd" * 32  # recorded, but never pushed
    record = {"training_image_uri": missing, "training_image_checked": image_record(missing)}
    (project / "conf/sagemaker/globals_image.yml").write_text(yaml.safe_dump(record))


@pytest.mark.aws
def test_kedro_run_stops_before_the_upload_when_the_image_is_not_in_ecr(
    project, aws_env, bucket, create_training_job_requests, registry
):
    create_execution_role()
    fill_sagemaker(project, push_image(registry))
    before = boto3.client("s3").list_objects_v2(Bucket=bucket).get("KeyCount", 0)

    result = kedro(project, "run", "--env", "sagemaker", env=aws_env)

    assert result.returncode != 0
    output = " ".join((result.stdout + result.stderr).split())
    assert "Error: Pre-flight check failed: training_image_uri in conf/sagemaker/" in output
    assert "which is not in ECR (account 123456789012, us-east-1)" in output
    assert "(full log: " in output, result.stdout[-2500:]
    assert "Traceback" not in result.stderr and 'File "' not in result.stderr
    assert create_training_job_requests == []
    assert boto3.client("s3").list_objects_v2(Bucket=bucket).get("KeyCount", 0) == before
    assert "PreflightError" in (project / "run.log").read_text()


def test_a_string_for_features_is_one_sentence_naming_the_key(project):
    parameters_file = project / "conf/base/parameters_data_science.yml"
    parameters = yaml.safe_load(parameters_file.read_text())
    parameters["model_options"]["features"] = "engines"
    parameters_file.write_text(yaml.safe_dump(parameters))

    result = kedro(project, "run")

    assert result.returncode != 0
    assert (
        "Error: Pre-flight check failed: model_options.features in "
        "conf/base/parameters_data_science.yml is 'engines', but should be a valid list"
        in " ".join(result.stderr.split())
    )
    assert "Traceback" not in result.stderr
    assert not (project / "data/05_model_input/train").exists()


def test_make_preflight_form_needs_no_aws_in_the_default_env(project):
    result = subprocess.run(
        [sys.executable, "-m", "kedro_sagemaker_byoc.preflight"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Pre-flight passed for the local environment." in result.stdout


def test_make_preflight_lists_every_problem(project):
    result = subprocess.run(
        [sys.executable, "-m", "kedro_sagemaker_byoc.preflight", "--env", "sagemaker"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "AWS_CONFIG_FILE": "/nonexistent"},
    )
    assert result.returncode == 1
    assert "conf/sagemaker/globals.yml still has REPLACE_ME in bucket" in result.stderr
    assert "Pre-flight check found" in result.stderr
    assert "role_arn in conf/sagemaker/globals.yml (used by training.estimator.role)" in (
        " ".join(result.stderr.split())
    )
