"""The offline reading of IAM policies (``policy_eval``) that stands in for AWS's
simulation: conditions count only where the job's request is known."""

from __future__ import annotations

import pytest
from kedro_sagemaker_byoc.preflight.policy_eval import Request, evaluate, resource_policy_effect
from kedro_sagemaker_byoc.preflight.role_access import UNTAGGED

ROLE = "arn:aws:iam::123456789012:role/spaceflights-training"
OBJECT = "arn:aws:s3:::data/spaceflights/channels/0123abcd/X_train.parquet"
CONTEXT = {
    "aws:SecureTransport": "true",
    "aws:PrincipalArn": ROLE,
    "aws:PrincipalAccount": "123456789012",
}
REQUEST = Request("s3:GetObject", OBJECT, "reading the channel", ROLE, CONTEXT, UNTAGGED)


def allow(condition: dict | None = None, effect: str = "Allow", **where: object) -> dict:
    statement = {"Effect": effect, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}
    statement.update(where)
    if condition:
        statement["Condition"] = condition
    return {"Statement": [statement]}


@pytest.mark.parametrize(
    ("condition", "allowed"),
    [
        ({"Bool": {"aws:SecureTransport": "true"}}, True),
        ({"Bool": {"aws:SecureTransport": "false"}}, False),
        ({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/spaceflights-*"}}, True),
        ({"StringNotEquals": {"aws:PrincipalAccount": "999999999999"}}, True),
        ({"StringEquals": {"s3:ExistingObjectTag/SageMaker": "true"}}, False),
        ({"StringEqualsIfExists": {"s3:ExistingObjectTag/SageMaker": "true"}}, True),
        ({"StringNotEquals": {"s3:ExistingObjectTag/secret": "yes"}}, True),
        ({"Null": {"s3:ExistingObjectTag/SageMaker": "true"}}, True),
        ({"Null": {"aws:SecureTransport": "true"}}, False),
        ({"ForAllValues:StringEquals": {"s3:ExistingObjectTag/a": "b"}}, True),
        ({"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}}, None),
        ({"StringEquals": {"aws:PrincipalAccount": "${aws:PrincipalAccount}"}}, True),
        ({"StringEquals": {"aws:SourceVpce": "vpce-1"}}, None),
        ({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}, None),
    ],
)
def test_a_condition_counts_only_where_the_request_is_known(condition, allowed):
    assert evaluate([allow(condition)], REQUEST).allowed is allowed


def test_a_deny_that_holds_wins_and_one_that_may_hold_makes_it_unknown():
    deny = allow(effect="Deny")
    maybe = allow({"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}, effect="Deny")

    assert evaluate([allow(), deny], REQUEST).allowed is False
    verdict = evaluate([allow(), maybe], REQUEST)
    assert (verdict.allowed, verdict.conditions) == (None, ("aws:SourceIp IpAddress 192.0.2.0/24",))


def test_a_bucket_policy_counts_for_the_statements_about_the_role():
    about_others = allow(effect="Deny", Principal={"AWS": "arn:aws:iam::123456789012:role/other"})
    about_everyone = allow(effect="Deny", Principal="*")
    granting = allow(Principal={"AWS": ROLE})

    assert evaluate([allow()], REQUEST, [about_others]).allowed is True
    assert evaluate([allow()], REQUEST, [about_everyone]).allowed is False
    assert evaluate([], REQUEST, [granting]).allowed is True
    assert resource_policy_effect(REQUEST, [about_others]) is None
    assert resource_policy_effect(REQUEST, [granting]).allowed is True


def test_no_grant_at_all_is_a_refusal_with_no_conditions_to_name():
    verdict = evaluate([{"Statement": []}], REQUEST)
    assert (verdict.allowed, verdict.conditions) == (False, ())
