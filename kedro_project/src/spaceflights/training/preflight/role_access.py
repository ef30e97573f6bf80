"""May the execution role do what the job will do as it? (rows 11 and 15 of
docs/byoc-failures.md.) A role that may not pull the image or read the channel fails the
job only once it has started, billed from the image pull on, so the pre-flight reads the
role's own policies (inline and attached) and evaluates them for exactly those requests.

The evaluation covers Allow and Deny, Action and NotAction, Resource and NotResource.
It does not see permission boundaries, service control policies, bucket or repository
policies, or conditions (a statement with a condition counts as applying): a "may"
here is necessary, not sufficient. A "may not" is certain for the role's own policies.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

from .aws_calls import AwsCalls
from .image import EcrImage
from .origin import ConfigOrigin
from .schema import Training

PULL_ACTIONS = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")


def check_role_access(
    training: Training, image: EcrImage | None, aws: AwsCalls, origin: ConfigOrigin
) -> None:
    """Fail, naming the action and the resource, for each request the role may not make."""
    arn = training.estimator.role or ""
    if ":role/" not in arn:
        return  # the ARN's form is checked offline
    documents = _role_documents(aws, arn.rsplit("/", 1)[-1])
    if documents is None:
        return  # a refused read is already a warning
    for action, resource, what in _requests(training, image):
        if not allowed(documents, action, resource):
            aws.findings.fail(
                f"The execution role named by {origin.where('training.estimator.role')} may not "
                f"{action} on {resource}, so the job would fail after it started ({what}); "
                "give the role scripts/iam/sagemaker-execution-role-policy.json."
            )


def _requests(training: Training, image: EcrImage | None) -> list[tuple[str, str, str]]:
    requests = []
    if training.channel_upload and training.channel_upload.startswith("s3://"):
        # Any content hash: the policy must cover every channel under the upload prefix.
        key = (
            training.channel_upload.removeprefix("s3://").rstrip("/") + "/0123abcd/X_train.parquet"
        )
        requests.append(("s3:GetObject", f"arn:aws:s3:::{key}", "reading the channel"))
    if image is not None:
        repository = f"arn:aws:ecr:{image.region}:{image.account}:repository/{image.repository}"
        requests += [(action, repository, "pulling the image") for action in PULL_ACTIONS]
        requests.append(("ecr:GetAuthorizationToken", "*", "pulling the image"))
    return requests


def _role_documents(aws: AwsCalls, role: str) -> list[dict] | None:
    names, _ = aws.call("iam", "list_role_policies", RoleName=role)
    attached, _ = aws.call("iam", "list_attached_role_policies", RoleName=role)
    if names is None or attached is None:
        return None
    documents = []
    for name in names.get("PolicyNames", []):
        inline, _ = aws.call("iam", "get_role_policy", RoleName=role, PolicyName=name)
        if inline is None:
            return None
        documents.append(_as_document(inline["PolicyDocument"]))
    for policy in attached.get("AttachedPolicies", []):
        found, _ = aws.call("iam", "get_policy", PolicyArn=policy["PolicyArn"])
        version = (
            found
            and aws.call(
                "iam",
                "get_policy_version",
                PolicyArn=policy["PolicyArn"],
                VersionId=found["Policy"]["DefaultVersionId"],
            )[0]
        )
        if not version:
            return None
        documents.append(_as_document(version["PolicyVersion"]["Document"]))
    return documents


def allowed(documents: Iterable[dict], action: str, resource: str) -> bool:
    """IAM's rule within one account: some Allow applies and no Deny does."""
    statements = [s for document in documents for s in _listed(document.get("Statement"))]
    applies = [s for s in statements if _applies(s, action, resource)]
    return any(s.get("Effect") == "Allow" for s in applies) and not any(
        s.get("Effect") == "Deny" for s in applies
    )


def _applies(statement: dict, action: str, resource: str) -> bool:
    if "NotAction" in statement:
        action_matches = not _matches(statement["NotAction"], action, case=False)
    else:
        action_matches = _matches(statement.get("Action"), action, case=False)
    if "NotResource" in statement:
        resource_matches = not _matches(statement["NotResource"], resource, case=True)
    else:
        resource_matches = _matches(statement.get("Resource"), resource, case=True)
    return action_matches and resource_matches


def _matches(patterns: Any, value: str, case: bool) -> bool:
    for pattern in _listed(patterns):
        if pattern == "*" or (
            fnmatch.fnmatchcase(value, pattern)
            if case
            else fnmatch.fnmatchcase(value.lower(), str(pattern).lower())
        ):
            return True
    return False


def _listed(value: Any) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]


def _as_document(document: Any) -> dict:
    # boto3 decodes policy documents; some endpoints hand back URL-encoded JSON text.
    return json.loads(unquote(document)) if isinstance(document, str) else document
