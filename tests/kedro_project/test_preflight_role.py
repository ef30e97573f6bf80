"""May the execution role do what the job does? Against the local AWS, which cannot simulate
IAM policies, so the pre-flight reads the role's and the bucket's policies offline; AWS's
own simulation is tested in test_role_simulation.py."""

from __future__ import annotations

import json

import boto3
import pytest

from tests.kedro_project.conftest import stopped
from tests.kedro_project.test_preflight_aws import (
    READ_OFFLINE,
    execution_policy,
    preflight_warnings,
    put_role_policy,
)
from tests.local_aws import BUCKET, ROLE_ARN

pytestmark = pytest.mark.aws
ROLE = ROLE_ARN.rsplit("/", 1)[-1]
CHANNELS = f"arn:aws:s3:::{BUCKET}/spaceflights/channels/"
TUTORIAL_POLICY = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"


@pytest.fixture
def tutorial_role(run):
    """The role a user who follows the tutorial makes: AmazonSageMakerFullAccess and nothing
    else, for a bucket whose name lacks 'sagemaker' (spaceflights-test)."""
    iam = boto3.client("iam")
    for name in iam.list_role_policies(RoleName=ROLE)["PolicyNames"]:
        iam.delete_role_policy(RoleName=ROLE, PolicyName=name)
    iam.attach_role_policy(RoleName=ROLE, PolicyArn=TUTORIAL_POLICY)
    yield
    iam.detach_role_policy(RoleName=ROLE, PolicyArn=TUTORIAL_POLICY)


def test_the_tutorial_role_with_a_bucket_not_named_sagemaker_stops_before_any_upload(
    run, tutorial_role, create_training_job_requests
):
    sentence = stopped(run, create_training_job_requests)

    assert f"may not s3:GetObject on {CHANNELS}" in sentence
    assert (
        "so the job would fail after it started (reading the channel); the grants for it hold "
        "only under conditions the job's request does not meet "
        "(s3:ExistingObjectTag/SageMaker StringEqualsIgnoreCase true; "
        "s3:ExistingObjectTag/servicecatalog:provisioning StringEquals true)" in sentence
    )
    assert "may not s3:PutObject on arn:aws:s3:::spaceflights-test/spaceflights/training-jobs/" in (
        sentence
    )


def test_without_aws_simulation_the_run_says_the_role_was_read_offline_and_why(run, caplog):
    from kedro_sagemaker_byoc import preflight

    put_role_policy(execution_policy())
    params = run["params"]
    with caplog.at_level("WARNING"):
        preflight.check(params["training"], params["model_options"], run["X"], run["y"])

    [warning] = [r.getMessage() for r in caplog.records if r.getMessage().startswith(READ_OFFLINE)]
    assert "AWS answered NotImplemented" in warning


def conditioned(statement_id: str, condition: dict) -> dict:
    """scripts/iam's execution-role policy with ``condition`` on one statement."""
    document = execution_policy()
    for statement in document["Statement"]:
        if statement.get("Sid") == statement_id:
            statement["Condition"] = condition
    return document


def test_a_grant_under_a_condition_the_preflight_cannot_evaluate_is_a_warning_naming_it(
    run, caplog
):
    vpce = {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}
    put_role_policy(conditioned("ReadTheTrainingChannel", vpce))

    [warning] = preflight_warnings(run, caplog)

    assert f"may s3:GetObject on {CHANNELS}" in warning
    assert (
        "(reading the channel) only under conditions the pre-flight cannot evaluate "
        "(aws:SourceVpce StringEquals vpce-1a2b3c4d)" in warning
    )


def test_a_condition_the_jobs_request_meets_counts_as_a_grant(run, caplog):
    over_tls = {"Bool": {"aws:SecureTransport": "true"}}
    put_role_policy(conditioned("ReadTheTrainingChannel", over_tls))

    assert preflight_warnings(run, caplog) == []


def put_bucket_policy(*statements: dict) -> None:
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    boto3.client("s3").put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(document))


@pytest.fixture
def bucket_policy():
    yield put_bucket_policy
    boto3.client("s3").delete_bucket_policy(Bucket=BUCKET)


def test_a_bucket_policy_that_denies_the_channel_stops_the_run(
    run, bucket_policy, create_training_job_requests
):
    put_role_policy(execution_policy())
    bucket_policy(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"{CHANNELS}*",
        }
    )

    assert f"may not s3:GetObject on {CHANNELS}" in stopped(run, create_training_job_requests)


def test_a_bucket_policy_deny_under_an_unknown_condition_is_a_warning(run, bucket_policy, caplog):
    put_role_policy(execution_policy())
    bucket_policy(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": f"arn:aws:s3:::{BUCKET}/*",
            "Condition": {"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}},
        }
    )

    warnings = preflight_warnings(run, caplog)

    assert len(warnings) == 2  # reading the channel, writing model.tar.gz
    assert all("(aws:SourceIp NotIpAddress 192.0.2.0/24)" in w for w in warnings)


@pytest.mark.parametrize(
    ("without", "why"),
    [
        ([], "AWS answered NotImplemented"),
        (
            ["PreflightReadsAndSimulatesTheExecutionRole"],
            "the caller lacks iam:SimulatePrincipalPolicy on the execution role",
        ),
    ],
    ids=["submitter-policy", "without-the-statement"],
)
def test_the_submitter_policy_lets_the_caller_ask_aws(run, iam_account, without, why):
    # With IAM checks on, the submitter holding submitter-policy.json reaches the local AWS's
    # simulator (which has none); without the statement, the caller is refused.
    from kedro_sagemaker_byoc.preflight import origin
    from kedro_sagemaker_byoc.preflight.aws_calls import AwsCalls
    from kedro_sagemaker_byoc.preflight.findings import Findings
    from kedro_sagemaker_byoc.preflight.role_access import check_role_access
    from kedro_sagemaker_byoc.preflight.schema import parse_training

    created = iam_account(without=without)
    submitter = boto3.Session(
        aws_access_key_id=created["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=created["AWS_SECRET_ACCESS_KEY"],
        region_name=created["REGION"],
    )
    run["params"]["training"]["estimator"]["role"] = created["ROLE_ARN"]
    findings = Findings()
    config = parse_training(run["params"]["training"], origin.current(), findings)

    check_role_access(config, None, AwsCalls(findings, submitter), origin.current())

    assert any(
        w.startswith("The execution role's access was read offline") and f"({why})" in w
        for w in findings.warnings
    ), findings.warnings
