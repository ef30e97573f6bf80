"""Pre-flight checks of the configuration (schema, estimator class, limits, job settings).

Each runs the training node with the sagemaker configuration, against the local AWS, with
one mistake; the node must stop before uploading the channel or creating a job.
"""

from __future__ import annotations

import pytest
from kedro_sagemaker_byoc.preflight import limits, origin
from kedro_sagemaker_byoc.preflight.findings import Findings

from tests.kedro_project.conftest import stopped
from tests.preflight_support import write_image_record

pytestmark = pytest.mark.aws
PARAMS = "conf/sagemaker/parameters_data_science.yml"


def estimator(run: dict) -> dict:
    return run["params"]["training"]["estimator"]


@pytest.mark.docker
def test_a_correct_configuration_passes_and_uploads_by_content_hash(
    conf, run, pushed_image, create_training_job_requests
):
    from kedro_sagemaker_byoc.nodes import train_model

    from tests.kedro_project.conftest import parameters

    # The job really runs on the local SageMaker, so it needs the real image.
    write_image_record(conf.parent, pushed_image)
    params = parameters(conf)
    job = train_model(run["X"], run["y"], params["model_options"], params["training"])
    [request] = create_training_job_requests
    uri = request["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"]
    assert uri.startswith("s3://spaceflights-test/spaceflights/channels/") and uri.endswith("/")
    assert request["TrainingJobName"] == job["job_name"]


@pytest.mark.parametrize(
    ("key", "value", "sentence"),
    [
        (
            "features",
            "engines",
            "model_options.features in conf/base/parameters_data_science.yml is 'engines', "
            "but should be a valid list; write it as a YAML list of column names",
        ),
        (
            "test_size",
            "abc",
            "model_options.test_size in conf/base/parameters_data_science.yml is 'abc', but "
            "should be a valid number",
        ),
        (
            "test_sise",
            0.2,
            "model_options.test_sise in conf/base/parameters_data_science.yml "
            "is not a setting this project knows",
        ),
    ],
)
def test_model_options_schema(run, create_training_job_requests, key, value, sentence):
    run["params"]["model_options"][key] = value
    assert sentence in stopped(run, create_training_job_requests)


def test_unknown_training_key(run, create_training_job_requests):
    run["params"]["training"]["chanel"] = "data"
    assert f"training.chanel in {PARAMS} is not a setting this project knows" in stopped(
        run, create_training_job_requests
    )


def test_missing_required_estimator_argument(run, create_training_job_requests):
    run["params"]["training"]["estimator"] = {
        "class": "kedro_sagemaker_byoc.backends.local_estimator.LocalToolkitEstimator",
        "output_path": "s3://spaceflights-test/spaceflights/training-jobs",
    }
    assert (
        "training.estimator.entry_point in conf/sagemaker/parameters_data_science.yml is "
        "missing, and kedro_sagemaker_byoc.backends.local_estimator.LocalToolkitEstimator requires "
        "'entry_point'" in stopped(run, create_training_job_requests)
    )


def test_unknown_estimator_argument(run, create_training_job_requests):
    estimator(run)["max_runn"] = 3600
    assert (
        f"training.estimator.max_runn in {PARAMS} is not an argument of "
        "sagemaker.estimator.Estimator" in stopped(run, create_training_job_requests)
    )


def test_class_that_cannot_be_imported(run, create_training_job_requests):
    estimator(run)["class"] = "sagemaker.estimator.Estimatr"
    assert (
        f"training.estimator.class in {PARAMS} names 'sagemaker.estimator.Estimatr', which "
        "cannot be imported" in stopped(run, create_training_job_requests)
    )


@pytest.mark.parametrize(
    ("changes", "sentence"),
    [
        (
            {"max_run": 2_419_201},
            "max_run in " + PARAMS + " is 2,419,201 seconds, more than SageMaker's 28 days",
        ),
        ({"max_run": None}, "max_run in " + PARAMS + " is not set"),
        (
            {"use_spot_instances": True, "max_wait": 600, "checkpoint_s3_uri": "s3://b/c"},
            "max_wait in " + PARAMS + " is 600 seconds, less than max_run (3,600); SageMaker "
            "needs max_wait >= max_run",
        ),
        (
            {"use_spot_instances": True, "max_wait": 7200},
            "checkpoint_s3_uri in " + PARAMS + " is not set, but spot training may be interrupted",
        ),
        ({"max_wait": 7200}, "max_wait in " + PARAMS + " is set without use_spot_instances"),
        (
            {"volume_kms_key": "alias name!"},
            "volume_kms_key in " + PARAMS + " is 'alias name!', not a KMS key ID or ARN",
        ),
        (
            {"subnets": ["subnet-1"]},
            "subnets in " + PARAMS + " and training.estimator."
            "security_group_ids must be set together",
        ),
        (
            {"environment": {"1BAD": "x"}},
            "environment in " + PARAMS + " has names SageMaker refuses ('1BAD')",
        ),
        (
            {"tags": [{"Key": "aws:owner", "Value": "me"}]},
            "tags in " + PARAMS + " breaks SageMaker's limits",
        ),
        (
            {"metric_definitions": [{"Name": "r2", "Regex": "r2=([0-9"}]},
            "metric_definitions in " + PARAMS + " has a Regex for 'r2' that does not compile",
        ),
        (
            {"metric_definitions": [{"Name": f"m{n}", "Regex": "x"} for n in range(41)]},
            "metric_definitions in " + PARAMS + " breaks SageMaker's limits (at most 40",
        ),
    ],
)
def test_job_settings(run, create_training_job_requests, changes, sentence):
    estimator(run).update(changes)
    assert f"training.estimator.{sentence}" in stopped(run, create_training_job_requests)


def test_role_arn_form(run, create_training_job_requests):
    estimator(run)["role"] = "spaceflights-training"
    assert (
        "role_arn in conf/sagemaker/globals.yml (used by training.estimator.role) is "
        "'spaceflights-training', not a full role ARN" in stopped(run, create_training_job_requests)
    )


def test_empty_image_uri_is_caught_before_the_upload(run, create_training_job_requests):
    estimator(run)["image_uri"] = ""
    assert "(used by training.estimator.image_uri) is empty: push the image and set it" in (
        stopped(run, create_training_job_requests)
    )


def test_image_uri_pinned_by_digest(run, create_training_job_requests):
    estimator(run)["image_uri"] = estimator(run)["image_uri"].split("@")[0] + ":latest"
    assert "not pinned by digest" in stopped(run, create_training_job_requests)


def test_hyperparameter_values_within_limits(run, create_training_job_requests):
    features = run["params"]["model_options"]["features"]
    run["params"]["model_options"]["features"] = features + [f"c{n:04d}" * 100 for n in range(8)]
    sentence = stopped(run, create_training_job_requests)
    assert "has hyperparameters longer than SageMaker allows" in sentence
    assert "(names up to 256, values up to 2500 characters): 'features'" in sentence


def test_requirements_txt_under_network_isolation(run, create_training_job_requests, tmp_path):
    (tmp_path / "code").mkdir()
    (tmp_path / "code/requirements.txt").write_text("pandas\n")
    estimator(run)["source_dir"] = str(tmp_path / "code")
    assert f"training.estimator.source_dir in {PARAMS} holds a requirements.txt" in stopped(
        run, create_training_job_requests
    )


def test_job_name_and_channel_names_follow_the_api():
    findings = Findings()
    where = origin.ConfigOrigin()
    limits.check_job_name("spaceflights_2026.1", "training.job_name_prefix", where, findings)
    limits.check_job_name("spaceflights-20261128-1", "training.job_name_prefix", where, findings)
    [sentence] = findings.failures
    assert "The job name 'spaceflights_2026.1' made from training.job_name_prefix" in sentence


def test_the_channel_must_be_the_one_the_image_reads(run):
    from kedro_sagemaker_byoc.preflight.schema import Estimator

    findings = Findings()
    limits.check_maps(
        {}, {"training": "x"}, Estimator(**{"class": "x"}), origin.current(), findings
    )
    assert "The image reads the channel 'train', but the job has 'training'" in findings.failures[0]


def test_output_path_must_be_s3(run, create_training_job_requests):
    estimator(run)["output_path"] = "https://b/p"
    assert (
        "training_output in conf/sagemaker/globals.yml (used by training.estimator.output_path) "
        "is 'https://b/p', not an s3:// URI" in stopped(run, create_training_job_requests)
    )
