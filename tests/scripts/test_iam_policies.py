"""The IAM documents in scripts/iam: least privilege, and accepted by IAM (moto's)."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from tests.local_aws import ACCOUNT, BUCKET, REGION
from tests.support import REPO_ROOT

IAM_DIR = REPO_ROOT / "scripts/iam"
DOCUMENTS = sorted(IAM_DIR.glob("*.json"))
VALUES = {
    "ACCOUNT_ID": ACCOUNT,
    "REGION": REGION,
    "BUCKET": BUCKET,
    "PREFIX": "spaceflights",
    "REPOSITORY": "spaceflights-training",
    "ROLE_NAME": "spaceflights-training",
}


# The pre-flight's VPC checks: EC2's Describe calls cannot be limited to a resource.
PREFLIGHT_EC2_READS = [
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeRouteTables",
    "ec2:DescribeVpcEndpoints",
]


def fill(path: Path) -> str:
    """The document with its placeholders replaced, as the README's sed commands do."""
    text = path.read_text()
    for placeholder, value in VALUES.items():
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
