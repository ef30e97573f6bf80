"""Pre-flight checks against the local AWS: image in ECR, role, buckets, KMS, VPC, volume."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from tests.kedro_project.conftest import stopped
from tests.local_aws import BUCKET, ROLE_ARN, fill_iam
from tests.oci_images import TRAINING_CONFIG
from tests.preflight_support import create_execution_role, image_record, push_image
from tests.support import PROJECT_DIR

pytestmark = pytest.mark.aws
OTHER_REGION = "eu-west-1"


def estimator(run: dict) -> dict:
    return run["params"]["training"]["estimator"]


def test_image_digest_not_in_ecr(run, create_training_job_requests):
    image = estimator(run)["image_uri"]
    missing = image.split("@")[0] + "@sha256:" + "ab" * 32
    estimator(run)["image_uri"] = missing
    run["params"]["training"]["preflight"]["image_record"]["digest"] = "sha256:" + "ab" * 32
    assert (
        "which is not in ECR (account 123456789012, us-east-1); the job would fail with "
        "'Cannot find the requested image'" in stopped(run, create_training_job_requests)
    )


def test_image_in_another_region(run, registry, create_training_job_requests):
    image = push_image(registry, region=OTHER_REGION)
    estimator(run)["image_uri"] = image
    run["params"]["training"]["preflight"]["image_record"]["digest"] = image.split("@")[1]
    assert "is in ECR in eu-west-1, but the job runs in us-east-1" in stopped(
        run, create_training_job_requests
    )


def pushed_elsewhere(run: dict, image: str) -> None:
    """The job runs ``image``, which another pipeline pushed: nothing recorded a check."""
    estimator(run)["image_uri"] = image
    run["params"]["training"]["preflight"]["image_record"] = None


# moto has no policy simulator, so every run against the local AWS reads the role offline
# and says so (tests/kedro_project/test_preflight_role.py checks that warning).
READ_OFFLINE = "Pre-flight: The execution role's access was read offline"


def preflight_warnings(run: dict, caplog) -> list[str]:
    """Run the pre-flight, which must pass; return its warnings but the one above."""
    from kedro_sagemaker_byoc import preflight

    params = run["params"]
    with caplog.at_level("WARNING"):
        preflight.check(params["training"], params["model_options"], run["X"], run["y"])
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    return [w for w in warnings if not w.startswith(READ_OFFLINE)]


# What the project's Dockerfile sets, in an image that another pipeline built.
ELSEWHERE = {**TRAINING_CONFIG, "Env": [*TRAINING_CONFIG["Env"], "BUILT_BY=their-ci"]}


def test_an_image_another_pipeline_pushed_is_read_from_ecr_and_passes(run, registry, caplog):
    pushed_elsewhere(run, push_image(registry, config=ELSEWHERE))

    assert preflight_warnings(run, caplog) == []


WITHOUT = {
    "SAGEMAKER_PROGRAM": [e for e in TRAINING_CONFIG["Env"] if "SAGEMAKER_PROGRAM" not in e],
    "PYTHONUNBUFFERED": [e for e in TRAINING_CONFIG["Env"] if "PYTHONUNBUFFERED" not in e],
}


@pytest.mark.parametrize(
    ("push", "problem"),
    [
        ({"platforms": ["linux/arm64"]}, "it is built for linux/arm64, not linux/amd64"),
        (
            {"platforms": ["linux/arm64", "unknown/unknown"]},
            "it is built for linux/arm64 and unknown/unknown, not linux/amd64",
        ),
        (
            {"config": {**TRAINING_CONFIG, "Entrypoint": ["/bin/sh", "-c", "exec train"]}},
            "its ENTRYPOINT is in shell form (/bin/sh -c exec train), so the 'train' argument "
            "SageMaker passes is dropped and SIGTERM never reaches training",
        ),
        (
            {"config": {**TRAINING_CONFIG, "Env": WITHOUT["SAGEMAKER_PROGRAM"]}},
            "SAGEMAKER_PROGRAM is not set",
        ),
        (
            {"config": {**TRAINING_CONFIG, "Env": WITHOUT["PYTHONUNBUFFERED"]}},
            "PYTHONUNBUFFERED=1 is not set, so log lines may be lost",
        ),
    ],
    ids=["arm64", "index-without-amd64", "shell-entrypoint", "no-program", "buffered"],
)
def test_an_image_another_pipeline_pushed_is_refused_for_what_ecr_shows(
    run, registry, create_training_job_requests, push, problem
):
    pushed_elsewhere(run, push_image(registry, **push))

    sentence = stopped(run, create_training_job_requests)

    assert "cannot run as a SageMaker training job: " + problem in sentence
    assert "fix its Dockerfile and push it again" in sentence


def test_an_index_with_a_linux_amd64_image_passes(run, registry, caplog):
    pushed_elsewhere(run, push_image(registry, platforms=["linux/amd64", "unknown/unknown"]))

    assert preflight_warnings(run, caplog) == []


def test_sagemaker_program_may_come_from_the_jobs_environment(run, registry, caplog):
    config = {**TRAINING_CONFIG, "Env": WITHOUT["SAGEMAKER_PROGRAM"]}
    pushed_elsewhere(run, push_image(registry, config=config))
    estimator(run)["environment"] = {"SAGEMAKER_PROGRAM": "train.py"}

    assert preflight_warnings(run, caplog) == []


def test_an_image_that_starts_something_else_without_a_command_is_a_warning(run, registry, caplog):
    config = {**TRAINING_CONFIG, "Entrypoint": None, "Cmd": ["python3"]}
    pushed_elsewhere(run, push_image(registry, config=config))

    [warning] = preflight_warnings(run, caplog)

    assert "the image runs python3, not train; add CMD" in warning


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        ({"train": ""}, "'train' is not an executable on its PATH"),
        ({"train_shebang_crlf": True}, "has a Windows line ending in its #! line"),
        ({"program_found": False}, "/opt/ml/code/train.py is missing"),
    ],
)
def test_the_build_record_adds_what_only_running_the_image_shows(
    run, create_training_job_requests, record, problem
):
    run["params"]["training"]["preflight"]["image_record"].update(record)
    assert problem in stopped(run, create_training_job_requests)


def test_a_record_of_another_image_is_left_out_with_a_warning(run, registry, caplog):
    pushed_elsewhere(run, push_image(registry, config=ELSEWHERE))
    stale = run["params"]["training"]["preflight"]
    stale["image_record"] = image_record(push_image(registry), train="")

    [warning] = preflight_warnings(run, caplog)

    assert "not the image in training.estimator.image_uri" in warning
    assert "its build-time checks are left out" in warning


def test_role_does_not_exist(run, create_training_job_requests):
    estimator(run)["role"] = "arn:aws:iam::123456789012:role/nobody"
    assert "names the role 'nobody', which does not exist in this account" in stopped(
        run, create_training_job_requests
    )


def test_role_does_not_trust_sagemaker(run, create_training_job_requests):
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Principal": {"Service": "ec2.amazonaws.com"},
            }
        ],
    }
    estimator(run)["role"] = create_execution_role("arn:aws:iam::123456789012:role/ec2-only", trust)
    assert "does not let sagemaker.amazonaws.com assume it" in stopped(
        run, create_training_job_requests
    )


def test_bucket_in_another_region(run, create_training_job_requests):
    boto3.client("s3", region_name=OTHER_REGION).create_bucket(
        Bucket="spaceflights-eu", CreateBucketConfiguration={"LocationConstraint": OTHER_REGION}
    )
    estimator(run)["output_path"] = "s3://spaceflights-eu/jobs"
    assert "is in the bucket 'spaceflights-eu' in eu-west-1, but the job runs in us-east-1" in (
        stopped(run, create_training_job_requests)
    )


def test_bucket_missing(run, create_training_job_requests):
    run["params"]["training"]["channel_upload"] = "s3://no-such-bucket-here/channels"
    assert "is in the bucket 'no-such-bucket-here', which does not exist" in stopped(
        run, create_training_job_requests
    )


def test_kms_key_disabled(run, create_training_job_requests):
    kms = boto3.client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=key)
    estimator(run)["output_kms_key"] = key
    assert f"is {key}, a KMS key that is Disabled" in stopped(run, create_training_job_requests)


def test_kms_key_in_another_region(run, create_training_job_requests):
    arn = boto3.client("kms", region_name=OTHER_REGION).create_key()["KeyMetadata"]["Arn"]
    estimator(run)["volume_kms_key"] = arn
    assert "is a key in eu-west-1, but the job runs in us-east-1" in stopped(
        run, create_training_job_requests
    )


def _vpc(with_endpoint: bool) -> tuple[str, str]:
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    group = ec2.create_security_group(GroupName=f"sg-{vpc}", Description="t", VpcId=vpc)
    if with_endpoint:
        ec2.create_vpc_endpoint(
            VpcId=vpc,
            ServiceName="com.amazonaws.us-east-1.s3",
            RouteTableIds=[table],
            VpcEndpointType="Gateway",
        )
    return subnet, group["GroupId"]


def test_vpc_without_s3_gateway_endpoint(run, create_training_job_requests):
    subnet, group = _vpc(with_endpoint=False)
    estimator(run).update(subnets=[subnet], security_group_ids=[group])
    assert f"has subnets whose route table has no S3 gateway endpoint ({subnet})" in stopped(
        run, create_training_job_requests
    )


def test_vpc_with_s3_gateway_endpoint_passes(run):
    from kedro_sagemaker_byoc.preflight import check

    subnet, group = _vpc(with_endpoint=True)
    estimator(run).update(subnets=[subnet], security_group_ids=[group])
    params = run["params"]
    check(params["training"], params["model_options"], run["X"], run["y"])


def test_volume_too_small_for_image_and_channel(run, create_training_job_requests):
    run["params"]["training"]["preflight"]["image_record"]["size_bytes"] = 40 * 1024**3
    assert (
        "volume_size in conf/sagemaker/parameters_data_science.yml is 30 GB, but the image "
        "(40.0 GiB)" in stopped(run, create_training_job_requests)
    )


def test_job_name_already_taken(aws_env):
    from kedro_sagemaker_byoc.preflight import aws_identity
    from kedro_sagemaker_byoc.preflight.aws_calls import AwsCalls
    from kedro_sagemaker_byoc.preflight.findings import Findings
    from kedro_sagemaker_byoc.preflight.origin import ConfigOrigin

    findings = Findings()
    taken = "spaceflights-taken"
    boto3.client("sagemaker").create_training_job(
        TrainingJobName=taken,
        AlgorithmSpecification={"TrainingImage": "x", "TrainingInputMode": "File"},
        RoleArn=create_execution_role(),
        OutputDataConfig={"S3OutputPath": "s3://spaceflights-test/x"},
        ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 1},
        StoppingCondition={"MaxRuntimeInSeconds": 60},
    )
    aws_identity.check_job_name(taken, AwsCalls(findings), ConfigOrigin(PROJECT_DIR / "conf"))
    assert findings.failures == [
        f"A training job named {taken} already exists; change training.job_name_prefix in "
        "conf/base/parameters_data_science.yml or run again for a new time stamp."
    ]


def test_a_check_the_caller_may_not_make_is_a_warning_naming_the_permission(run, iam_account):
    # The submitter holds scripts/iam/submitter-policy.json less its iam:GetRole statement,
    # with the local AWS enforcing IAM: the role check is skipped, with a warning, and the
    # run is not failed for it.
    from kedro_sagemaker_byoc.preflight import aws_identity, origin
    from kedro_sagemaker_byoc.preflight.aws_calls import AwsCalls
    from kedro_sagemaker_byoc.preflight.findings import Findings
    from kedro_sagemaker_byoc.preflight.schema import parse_training

    created = iam_account(without=["PreflightReadsAndSimulatesTheExecutionRole"])
    submitter = boto3.Session(
        aws_access_key_id=created["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=created["AWS_SECRET_ACCESS_KEY"],
        region_name=created["REGION"],
    )
    findings = Findings()
    config = parse_training(run["params"]["training"], origin.current(), findings)

    aws_identity.check_role(config, AwsCalls(findings, submitter), origin.current())

    assert findings.failures == []
    assert findings.warnings == [
        "Skipped a check: the caller lacks iam:GetRole; grant it (read-only) to have this "
        "checked before a job starts."
    ]


def test_a_caller_that_may_not_read_the_image_is_warned_and_the_record_still_counts(
    run, iam_account
):
    from kedro_sagemaker_byoc.preflight import image, origin
    from kedro_sagemaker_byoc.preflight.aws_calls import AwsCalls
    from kedro_sagemaker_byoc.preflight.findings import Findings
    from kedro_sagemaker_byoc.preflight.schema import parse_training

    created = iam_account(without=["CreateAndPushTheOneRepository"])
    submitter = boto3.Session(
        aws_access_key_id=created["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=created["AWS_SECRET_ACCESS_KEY"],
        region_name=created["REGION"],
    )
    run["params"]["training"]["preflight"]["image_record"]["train"] = ""
    findings = Findings()
    config = parse_training(run["params"]["training"], origin.current(), findings)
    ecr = image.ecr_image(config, origin.current(), findings)

    image.check_contents(config, ecr, AwsCalls(findings, submitter), origin.current())

    assert findings.warnings == [
        "Skipped a check: the caller lacks ecr:BatchGetImage; grant it (read-only) to have "
        "this checked before a job starts."
    ]
    [failure] = findings.failures
    assert "cannot run as a SageMaker training job: 'train' is not an executable" in failure


@pytest.mark.parametrize("input_mode", ["File", "FastFile"])
def test_only_a_file_mode_channel_counts_against_the_volume(run, input_mode):
    from kedro_sagemaker_byoc import preflight

    training = run["params"]["training"]
    training["preflight"]["image_record"]["size_bytes"] = 27 * 1024**3
    training["estimator"]["input_mode"] = input_mode
    with (Path(training["channel"]) / "padding.bin").open("wb") as padding:
        padding.truncate(3 * 1024**3)  # sparse: 3 GiB to stat, nothing on disk

    if input_mode == "File":
        with pytest.raises(preflight.PreflightError, match=r"the channel \(3\.0 GiB\)"):
            preflight.check(training, run["params"]["model_options"], run["X"], run["y"])
    else:
        preflight.check(training, run["params"]["model_options"], run["X"], run["y"])


def put_role_policy(document: dict) -> None:
    boto3.client("iam").put_role_policy(
        RoleName=ROLE_ARN.rsplit("/", 1)[-1],
        PolicyName="spaceflights-training",
        PolicyDocument=json.dumps(document),
    )


def execution_policy(without: str | None = None) -> dict:
    """scripts/iam's execution-role policy for the test account, less one statement."""
    document = json.loads(fill_iam("sagemaker-execution-role-policy.json"))
    document["Statement"] = [s for s in document["Statement"] if s.get("Sid") != without]
    return document


def test_a_role_with_the_projects_policy_may_read_the_channel_and_pull_the_image(run):
    from kedro_sagemaker_byoc import preflight

    put_role_policy(execution_policy())
    training = run["params"]["training"]

    preflight.check(training, run["params"]["model_options"], run["X"], run["y"])


@pytest.mark.parametrize(
    ("statement", "action"),
    [("ReadTheTrainingChannel", "s3:GetObject"), ("PullTheTrainingImage", "ecr:BatchGetImage")],
)
def test_a_role_that_may_not_read_the_channel_or_pull_the_image_stops_the_run(
    run, create_training_job_requests, statement, action
):
    put_role_policy(execution_policy(without=statement))

    sentence = stopped(run, create_training_job_requests)

    assert "The execution role named by role_arn in conf/sagemaker/globals.yml" in sentence
    assert f"may not {action} on arn:aws:" in sentence
    assert "grant the role that permission" in sentence


def test_a_deny_wins_over_an_allow(run, create_training_job_requests):
    document = execution_policy()
    document["Statement"].append(
        {"Effect": "Deny", "Action": "s3:*", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
    )
    put_role_policy(document)

    assert "may not s3:GetObject" in stopped(run, create_training_job_requests)
