"""AWS's own decision on the job's requests: ``iam:SimulatePrincipalPolicy`` on the
execution role, with the context keys the job's requests carry and, for S3, the bucket's
policy. AWS then weighs everything attached to the role: inline and managed policies, its
permission boundary and the organisation's service control policies.

A key the role's policies test but the job's request does not carry comes back in
``MissingContextValues``. The pre-flight knows some keys are absent (the channel's objects
carry no tags); any other missing key makes the decision unknown.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .aws_calls import DENIED
from .policy_eval import Request, Verdict

BOOLEAN_KEYS = {"aws:securetransport"}


class Unavailable(Exception):
    """No simulation: the message says why (the caller may not, or the endpoint cannot)."""


def simulate(iam: Any, request: Request, resource_policy: dict | None) -> tuple[Verdict, bool]:
    """AWS's verdict on ``request``, and whether it weighed ``resource_policy``: AWS weighs a
    resource policy only with an IAM user as the caller, so for a role it may refuse it."""
    if resource_policy is not None:
        try:
            return _simulate(iam, request, resource_policy), True
        except Unavailable:
            pass  # tried again without it; the caller weighs it offline
    return _simulate(iam, request, None), False


def _simulate(iam: Any, request: Request, resource_policy: dict | None) -> Verdict:
    arguments: dict[str, Any] = {
        "PolicySourceArn": request.principal,
        "ActionNames": [request.action],
        "ContextEntries": [
            {
                "ContextKeyName": key,
                "ContextKeyValues": [value],
                "ContextKeyType": "boolean" if key.lower() in BOOLEAN_KEYS else "string",
            }
            for key, value in request.context.items()
        ],
    }
    if request.resource != "*":  # no ResourceArns is how the API says any resource
        arguments["ResourceArns"] = [request.resource]
    if resource_policy is not None:
        arguments["ResourcePolicy"] = json.dumps(resource_policy)
        arguments["ResourceOwner"] = f"arn:aws:iam::{request.principal.split(':')[4]}:root"
    try:
        response = iam.simulate_principal_policy(**arguments)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in DENIED:
            raise Unavailable(
                "the caller lacks iam:SimulatePrincipalPolicy on the execution role"
            ) from error
        raise Unavailable(f"AWS answered {code or 'an error'}") from error
    except BotoCoreError as error:
        raise Unavailable(f"AWS could not be asked ({error})") from error
    return verdict(response, request)


def verdict(response: dict, request: Request) -> Verdict:
    """The decision in a SimulatePrincipalPolicy response, and the keys it hinged on."""
    [result] = response["EvaluationResults"]
    missing = list(result.get("MissingContextValues") or [])
    for specific in result.get("ResourceSpecificResults") or []:
        missing += specific.get("MissingContextValues") or []
    unknown = [
        key
        for key in dict.fromkeys(missing)
        if not any(key.lower().startswith(prefix) for prefix in request.absent)
    ]
    if unknown:
        return Verdict(None, tuple(f"a condition on {key}" for key in unknown))
    if result["EvalDecision"] == "allowed":
        return Verdict(True)
    if result["EvalDecision"] == "explicitDeny":
        return Verdict(False, explicit=True)
    return Verdict(False, tuple(f"a condition on {key}" for key in dict.fromkeys(missing)))
