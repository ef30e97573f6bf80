"""The IAM documents in scripts/iam: least privilege, and accepted by IAM (moto's)."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import subprocess
import time
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from kedro_sagemaker_byoc.jobs import unique_job_name

from tests.local_aws import ACCOUNT, BUCKET, REGION
from tests.support import PROJECT_DIR, REPO_ROOT, make_training_frames

IAM_DIR = REPO_ROOT / "scripts/iam"
DOCUMENTS = sorted(IAM_DIR.glob("*.json"))
VALUES = {
    "ACCOUNT_ID": ACCOUNT,
    "REGION": REGION,
    "BUCKET": BUCKET,
    "PREFIX": "spaceflights",
    "REPOSITORY": "spaceflights-training",
    "ROLE_NAME": "spaceflights-training",
    "JOB_NAME": "spaceflights",
}


# The pre-flight's VPC checks: EC2's Describe calls cannot be limited to a resource.
PREFLIGHT_EC2_READS = [
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeRouteTables",
    "ec2:DescribeVpcEndpoints",
]


def fill(path: Path, values: dict[str, str] | None = None) -> str:
    """The document with its placeholders replaced, as the README's sed commands do."""
    text = path.read_text()
    for placeholder, value in (values or VALUES).items():
        text = text.replace(placeholder, value)
    return text


def statements(path: Path) -> list[dict]:
    return json.loads(path.read_text())["Statement"]


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def test_the_three_documents_are_there():
    assert [p.name for p in DOCUMENTS] == [
        "sagemaker-execution-role-policy.json",
        "sagemaker-execution-role-trust.json",
        "submitter-policy.json",
    ]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_no_wildcard_actions_and_wildcard_resources_only_where_iam_requires_them(path):
    for statement in statements(path):
        assert statement["Effect"] == "Allow"
        assert "NotAction" not in statement and "NotResource" not in statement
        actions = as_list(statement["Action"])
        assert not [a for a in actions if "*" in a], statement
        if statement.get("Resource") == "*":
            # These have no resource-level permissions.
            assert actions in (
                ["ecr:GetAuthorizationToken"],
                ["cloudwatch:PutMetricData"],
                ["sagemaker:Search"],  # the training node finds earlier jobs by address
                PREFLIGHT_EC2_READS,
            )
        if actions == ["cloudwatch:PutMetricData"]:
            assert statement["Condition"] == {
                "StringEquals": {"cloudwatch:namespace": "/aws/sagemaker/TrainingJobs"}
            }


def test_the_execution_role_is_for_sagemaker_only():
    [statement] = statements(IAM_DIR / "sagemaker-execution-role-trust.json")
    assert statement["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"


def test_the_role_may_be_passed_to_sagemaker_only():
    [passing] = [
        s
        for s in statements(IAM_DIR / "submitter-policy.json")
        if "iam:PassRole" in as_list(s["Action"])
    ]
    assert passing["Resource"] == "arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME"
    assert passing["Condition"] == {
        "StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}
    }


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_every_placeholder_is_filled(path):
    text = fill(path)
    assert not [p for p in VALUES if p in text]
    json.loads(text)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_the_documents_name_no_project_so_that_they_serve_any(path):
    """What differs between projects is a placeholder, filled from the project's settings."""
    assert "spaceflights" not in path.read_text().lower()


def test_no_placeholder_is_part_of_another():
    """Each is replaced on its own (sed, local_sagemaker.account), in any order."""
    assert not [(a, b) for a in VALUES for b in VALUES if a != b and a in b]


@pytest.mark.aws
def test_iam_accepts_the_role_and_the_policies(aws_env):
    iam = boto3.client("iam")
    role = iam.create_role(
        RoleName="spaceflights-training-iam-test",
        AssumeRolePolicyDocument=fill(IAM_DIR / "sagemaker-execution-role-trust.json"),
    )
    assert role["Role"]["Arn"].endswith(":role/spaceflights-training-iam-test")
    iam.put_role_policy(
        RoleName="spaceflights-training-iam-test",
        PolicyName="spaceflights-training",
        PolicyDocument=fill(IAM_DIR / "sagemaker-execution-role-policy.json"),
    )
    for name in ("sagemaker-execution-role-policy", "submitter-policy"):
        policy = iam.create_policy(
            PolicyName=f"spaceflights-iam-test-{name}",
            PolicyDocument=fill(IAM_DIR / f"{name}.json"),
        )
        assert policy["Policy"]["DefaultVersionId"] == "v1"


# ---- the resource patterns follow conf/sagemaker ----------------------------------------


def sagemaker_conf() -> tuple[dict, dict]:
    """conf/sagemaker's globals (with conf/base's) and training parameters, resolved."""
    from spaceflights.settings import CONFIG_LOADER_ARGS, CONFIG_LOADER_CLASS

    loader = CONFIG_LOADER_CLASS(
        str(PROJECT_DIR / "conf"), **{**CONFIG_LOADER_ARGS, "default_run_env": "sagemaker"}
    )
    return loader["globals"], loader["parameters"]["training"]


def iam_matches(pattern: str, value: str) -> bool:
    """IAM's wildcard match: ``*`` is any run of characters, ``?`` any one character."""
    return fnmatch.fnmatchcase(value, pattern)


def allowed(path: Path, action: str, resource: str, values: dict[str, str]) -> bool:
    document = json.loads(fill(path, values))
    return any(
        action in as_list(s["Action"])
        and any(iam_matches(r, resource) for r in as_list(s["Resource"]))
        for s in document["Statement"]
    )


def test_the_policies_cover_the_s3_locations_and_job_names_conf_sagemaker_uses():
    """Filled from conf/sagemaker (prefix, job_name_prefix), the policies allow what a run
    does there."""
    globals_, training = sagemaker_conf()
    values = {
        **VALUES,
        "BUCKET": str(globals_["bucket"]),
        "PREFIX": str(globals_["prefix"]),
        "JOB_NAME": str(training["job_name_prefix"]).lower(),
    }
    execution = IAM_DIR / "sagemaker-execution-role-policy.json"
    submitter = IAM_DIR / "submitter-policy.json"
    # The node uploads the channel to <channel_upload>/<content hash>/ and the job reads it there.
    channel = as_s3_arn(training["channel_upload"]) + "/0123abcd/X_train.parquet"
    model = as_s3_arn(training["estimator"]["output_path"]) + "/job/output/model.tar.gz"

    assert allowed(execution, "s3:GetObject", channel, values), channel
    assert allowed(execution, "s3:PutObject", model, values), model
    assert allowed(submitter, "s3:PutObject", channel, values), channel
    assert allowed(submitter, "s3:GetObject", model, values), model
    job = unique_job_name(training["job_name_prefix"]).lower()
    job_arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:training-job/{job}"
    log_group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/sagemaker/TrainingJobs"
    stream = f"{log_group}:log-stream:{job}/algo-1-1"
    for action in ("sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob"):
        assert allowed(submitter, action, job_arn, values), (action, job_arn)
    assert allowed(execution, "logs:PutLogEvents", stream, values), stream
    assert allowed(submitter, "logs:GetLogEvents", stream, values), stream


def readme_values() -> dict[str, str]:
    """The example values scripts/iam/README.md exports before it fills the documents."""
    readme = (IAM_DIR / "README.md").read_text()
    [exports] = re.findall(r"^export (.*?)\n(?!  )", readme, flags=re.MULTILINE | re.DOTALL)
    return dict(re.findall(r"\b([A-Z_]+)=([^\s\"]+)(?=\s|$)", exports))


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_the_readmes_fill_replaces_every_placeholder(path):
    readme = (IAM_DIR / "README.md").read_text()
    [function] = re.findall(r"^fill\(\) \{\n.*?^\}$", readme, flags=re.MULTILINE | re.DOTALL)

    filled = subprocess.run(
        ["bash", "-c", f"{function}\nfill {path.name}"],
        cwd=REPO_ROOT,
        env={"PATH": os.environ["PATH"], **VALUES},
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert filled == fill(path)


def test_the_readmes_example_values_are_what_the_scripts_use_for_the_example_project():
    globals_, training = sagemaker_conf()
    default_image = subprocess.run(
        [str(REPO_ROOT / "scripts/build_image.sh"), "--default-tag"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    example = readme_values()

    assert set(VALUES) - {"ACCOUNT_ID"} <= set(example), example
    assert example["REPOSITORY"] == default_image.removesuffix(":latest")
    assert example["PREFIX"] == globals_["prefix"]
    assert example["JOB_NAME"] == training["job_name_prefix"].lower()
    repository = f"arn:aws:ecr:{example['REGION']}:{ACCOUNT}:repository/{example['REPOSITORY']}"
    values = {**VALUES, **example}
    assert allowed(IAM_DIR / "submitter-policy.json", "ecr:PutImage", repository, values)
    assert allowed(
        IAM_DIR / "sagemaker-execution-role-policy.json", "ecr:BatchGetImage", repository, values
    )


def as_s3_arn(uri: str) -> str:
    return "arn:aws:s3:::" + uri.removeprefix("s3://")


# ---- with moto's IAM checks on, a missing statement shows up at once --------------------


def as_submitter(created: dict[str, str], service: str):
    return boto3.client(
        service,
        aws_access_key_id=created["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=created["AWS_SECRET_ACCESS_KEY"],
    )


def job_request(created: dict[str, str], name: str, image: str) -> dict:
    prefix = f"s3://{created['BUCKET']}/{created['PREFIX']}"
    return {
        "TrainingJobName": name,
        "AlgorithmSpecification": {"TrainingImage": image, "TrainingInputMode": "File"},
        "RoleArn": created["ROLE_ARN"],
        "InputDataConfig": [
            {
                "ChannelName": "train",
                "DataSource": {
                    "S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"{prefix}/channels/train/"}
                },
            }
        ],
        "OutputDataConfig": {"S3OutputPath": f"{prefix}/training-jobs"},
        "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 1},
        "StoppingCondition": {"MaxRuntimeInSeconds": 600},
        "EnableNetworkIsolation": True,
    }


@pytest.mark.aws
@pytest.mark.parametrize(
    ("statement", "action"),
    [
        ("RunTheProjectsTrainingJobs", "sagemaker:CreateTrainingJob"),
        ("HandTheExecutionRoleToSageMakerOnly", "iam:PassRole"),
    ],
)
def test_a_submitter_without_a_statement_is_refused_naming_the_action(
    iam_account, statement, action
):
    created = iam_account(without=[statement])
    sagemaker = as_submitter(created, "sagemaker")
    image = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/spaceflights-training@sha256:" + "0" * 64

    with pytest.raises(ClientError) as refused:
        sagemaker.create_training_job(**job_request(created, "spaceflights-iam-1", image))

    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
    assert refused.value.response["Error"]["Message"] == (
        f"User: arn:aws:iam::{ACCOUNT}:user/{created['SUBMITTER']} "
        f"is not authorized to perform: {action}"
    )


@pytest.mark.aws
@pytest.mark.docker
def test_a_role_that_may_not_read_the_channel_fails_the_job_naming_the_action(
    iam_account, pushed_image, features
):
    X, y = make_training_frames(features)
    created = iam_account(without=["ReadTheTrainingChannel"])
    s3 = as_submitter(created, "s3")  # the submitter uploads the channel, as the node does
    for name, frame in (("X_train.parquet", X), ("y_train.parquet", y)):
        key = f"{created['PREFIX']}/channels/train/{name}"
        s3.put_object(Bucket=created["BUCKET"], Key=key, Body=frame.to_parquet())
    sagemaker = as_submitter(created, "sagemaker")

    sagemaker.create_training_job(**job_request(created, "spaceflights-iam-3", pushed_image))
    for _ in range(600):
        job = sagemaker.describe_training_job(TrainingJobName="spaceflights-iam-3")
        if job["TrainingJobStatus"] != "InProgress":
            break
        time.sleep(0.5)

    assert job["TrainingJobStatus"] == "Failed"
    channel = f"s3://{created['BUCKET']}/{created['PREFIX']}/channels/train/X_train.parquet"
    assert job["FailureReason"] == (
        f"ClientError: Data download failed: the execution role {created['ROLE_ARN']} was "
        f"refused s3:GetObject on {channel} (403). Check the role's policy."
    )
