"""The pre-flight's use of AWS's policy simulation (``role_simulation``), on real botocore
IAM and S3 clients whose answers come from botocore's Stubber. Nothing here can run
``iam:SimulatePrincipalPolicy`` for real: moto does not implement it, and there is no AWS.
The Stubber checks each request against botocore's model of the API, so what is sent is
what AWS would be sent; the answers are shaped as the API reference documents them."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import ANY, Stubber
from kedro_sagemaker_byoc.preflight import role_simulation
from kedro_sagemaker_byoc.preflight.aws_calls import AwsCalls
from kedro_sagemaker_byoc.preflight.findings import Findings
from kedro_sagemaker_byoc.preflight.origin import ConfigOrigin
from kedro_sagemaker_byoc.preflight.policy_eval import Request
from kedro_sagemaker_byoc.preflight.role_access import UNTAGGED, check_role_access
from kedro_sagemaker_byoc.preflight.schema import parse_training

ROLE = "arn:aws:iam::123456789012:role/spaceflights-training"
CHANNEL = "arn:aws:s3:::spaceflights-data/spaceflights/channels/0123abcd/X_train.parquet"
CONTEXT = {"aws:SecureTransport": "true", "aws:PrincipalArn": ROLE}
REQUEST = Request("s3:GetObject", CHANNEL, "reading the channel", ROLE, CONTEXT, UNTAGGED)
TAG_KEY = "s3:ExistingObjectTag/SageMaker"


def answer(decision: str, missing: list[str] | None = None) -> dict:
    """A SimulatePrincipalPolicy response for one action on one resource."""
    specific = {"EvalResourceName": CHANNEL, "EvalResourceDecision": decision}
    if missing:
        specific["MissingContextValues"] = missing
    return {
        "EvaluationResults": [
            {
                "EvalActionName": "s3:GetObject",
                "EvalResourceName": CHANNEL,
                "EvalDecision": decision,
                "ResourceSpecificResults": [specific],
            }
        ],
        "IsTruncated": False,
    }


@pytest.fixture
def iam():
    client = boto3.client(
        "iam", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def test_the_request_carries_the_jobs_context_and_the_bucket_policy(iam):
    client, stubber = iam
    policy = {"Version": "2012-10-17", "Statement": []}
    stubber.add_response(
        "simulate_principal_policy",
        answer("allowed"),
        {
            "PolicySourceArn": ROLE,
            "ActionNames": ["s3:GetObject"],
            "ResourceArns": [CHANNEL],
            "ContextEntries": [
                {
                    "ContextKeyName": "aws:SecureTransport",
                    "ContextKeyValues": ["true"],
                    "ContextKeyType": "boolean",
                },
                {
                    "ContextKeyName": "aws:PrincipalArn",
                    "ContextKeyValues": [ROLE],
                    "ContextKeyType": "string",
                },
            ],
            "ResourcePolicy": json.dumps(policy),
            "ResourceOwner": "arn:aws:iam::123456789012:root",
        },
    )

    verdict, weighed = role_simulation.simulate(client, REQUEST, policy)

    assert verdict.allowed is True
    assert weighed is True


def test_a_request_on_any_resource_names_none(iam):
    client, stubber = iam
    token = Request("ecr:GetAuthorizationToken", "*", "pulling the image", ROLE, {}, ())
    stubber.add_response(
        "simulate_principal_policy",
        {"EvaluationResults": [{"EvalActionName": token.action, "EvalResourceName": "*",
                                "EvalDecision": "allowed"}]},
        {"PolicySourceArn": ROLE, "ActionNames": [token.action], "ContextEntries": []},
    )  # fmt: skip

    assert role_simulation.simulate(client, token, None)[0].allowed is True


@pytest.mark.parametrize(
    ("decision", "missing", "allowed", "conditions"),
    [
        ("allowed", None, True, ()),
        # AmazonSageMakerFullAccess on a bucket without 'sagemaker' in its name: the only
        # grant needs the object tag, which the channel's objects do not carry.
        ("implicitDeny", [TAG_KEY], False, (f"a condition on {TAG_KEY}",)),
        ("allowed", ["aws:SourceVpce"], None, ("a condition on aws:SourceVpce",)),
        ("implicitDeny", ["aws:SourceVpce"], None, ("a condition on aws:SourceVpce",)),
        ("explicitDeny", None, False, ()),
    ],
    ids=["allowed", "tag-only-grant", "allowed-if-vpce", "denied-unless-vpce", "explicit-deny"],
)
def test_what_aws_decides_becomes_the_verdict(iam, decision, missing, allowed, conditions):
    client, stubber = iam
    stubber.add_response("simulate_principal_policy", answer(decision, missing))

    verdict, _ = role_simulation.simulate(client, REQUEST, None)

    assert (verdict.allowed, verdict.conditions) == (allowed, conditions)


def test_a_bucket_policy_aws_will_not_weigh_for_a_role_is_left_to_the_caller(iam):
    client, stubber = iam
    stubber.add_client_error(
        "simulate_principal_policy",
        "InvalidInput",
        "CallerArn is required when a ResourcePolicy is given for a role.",
    )
    stubber.add_response("simulate_principal_policy", answer("allowed"))

    verdict, weighed = role_simulation.simulate(client, REQUEST, {"Statement": []})

    assert verdict.allowed is True
    assert weighed is False


def test_a_caller_who_may_not_simulate_is_told_which_permission_is_missing(iam):
    client, stubber = iam
    stubber.add_client_error("simulate_principal_policy", "AccessDenied", "not authorized")

    with pytest.raises(role_simulation.Unavailable) as unavailable:
        role_simulation.simulate(client, REQUEST, None)

    assert str(unavailable.value) == (
        "the caller lacks iam:SimulatePrincipalPolicy on the execution role"
    )


def test_the_tutorial_setup_fails_the_preflight_on_aws_answer():
    """Through check_role_access, as the node runs it: the bucket has no policy, and AWS
    says the role's only grant needs the object tag."""
    findings = Findings()
    session = boto3.Session(
        region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    aws = AwsCalls(findings, session)
    training = {
        "model_adapter": "linear_regression.adapter.LinearRegressionAdapter",
        "job_name_prefix": "spaceflights",
        "channel": "data/05_model_input/train",
        "channel_upload": "s3://spaceflights-data/spaceflights/channels",
        "estimator": {"class": "sagemaker.estimator.Estimator", "role": ROLE},
    }
    config = parse_training(training, ConfigOrigin(), findings)
    s3, iam = aws.client("s3"), aws.client("iam")
    with Stubber(s3) as s3_stub, Stubber(iam) as iam_stub:
        s3_stub.add_client_error(
            "get_bucket_policy", "NoSuchBucketPolicy", "The bucket policy does not exist"
        )
        iam_stub.add_response(
            "simulate_principal_policy",
            answer("implicitDeny", [TAG_KEY]),
            {
                "PolicySourceArn": ROLE,
                "ActionNames": ["s3:GetObject"],
                "ResourceArns": [CHANNEL],
                "ContextEntries": ANY,
            },
        )

        check_role_access(config, None, aws, ConfigOrigin())

    [failure] = findings.failures
    assert failure.startswith(
        "The execution role named by training.estimator.role (in no parameters file of "
        f"conf/base or conf/local) may not s3:GetObject on {CHANNEL}, so the job "
        "would fail after it started (reading the channel); the grants for it hold only under "
        f"conditions the job's request does not meet (a condition on {TAG_KEY})"
    )
    assert findings.warnings == []
