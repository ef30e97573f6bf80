"""May the execution role do what the job will do as it? (Rows 11, 15 and 39 of the failure
table in docs/preflight.md.) A role that may not pull the image, read the channel
or write the model fails the job only once it has started, billed from the image pull on.

AWS decides, where the caller may ask it (``role_simulation``): the role's requests are
simulated with the context they carry and with the bucket's policy. Where the caller may
not, the role's own policies and the bucket's are read and evaluated offline
(``policy_eval``). Either way a grant that holds only under a condition the pre-flight
cannot evaluate is a warning naming the condition, never a pass; a grant whose condition
the job's request cannot meet (AmazonSageMakerFullAccess reads other buckets' objects
only when they carry the tag ``SageMaker=true``, which the node's uploads do not) is none.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from . import role_simulation
from .aws_calls import AwsCalls
from .image import EcrImage
from .origin import ConfigOrigin
from .policy_eval import Request, Verdict, evaluate, resource_policy_effect
from .schema import Training

PULL_ACTIONS = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
# The node uploads the channel without object tags, and the job writes new objects.
UNTAGGED = ("s3:existingobjecttag/",)


def check_role_access(
    training: Training, image: EcrImage | None, aws: AwsCalls, origin: ConfigOrigin
) -> None:
    """Fail, naming the action, the resource and the conditions, for each request the role
    may not make; warn for each that it may make only under a condition not known here."""
    arn = training.estimator.role or ""
    if ":role/" not in arn:
        return  # the ARN's form is checked offline
    requests = _requests(training, image, arn, aws.region or "")
    if not requests:
        return
    buckets = {_bucket(r) for r in requests} - {None}
    policies = {bucket: _bucket_policy(aws, bucket) for bucket in sorted(buckets)}
    verdicts = _ask_aws(aws, requests, policies)
    if verdicts is None:
        documents = _role_documents(aws, arn.rsplit("/", 1)[-1])
        if documents is None:
            return  # a refused read is already a warning
        verdicts = [evaluate(documents, r, _listed(policies.get(_bucket(r)))) for r in requests]
    key = origin.where("training.estimator.role")
    for request, verdict in zip(requests, verdicts, strict=True):
        _report(aws, key, request, verdict)


def _requests(training: Training, image: EcrImage | None, role: str, region: str) -> list[Request]:
    context = {
        "aws:SecureTransport": "true",  # SageMaker reaches S3 and ECR over TLS
        "aws:PrincipalArn": role,
        "aws:PrincipalAccount": role.split(":")[4],
        "aws:RequestedRegion": region,
    }
    requests = []

    def add(action: str, resource: str, what: str) -> None:
        requests.append(Request(action, resource, what, role, context, UNTAGGED))

    if training.channel_upload and training.channel_upload.startswith("s3://"):
        # Any content hash: the policy must cover every channel under the upload prefix.
        channel = training.channel_upload.removeprefix("s3://").rstrip("/")
        add(
            "s3:GetObject",
            f"arn:aws:s3:::{channel}/0123abcd/X_train.parquet",
            "reading the channel",
        )
    output = training.estimator.output_path or ""
    if output.startswith("s3://"):
        prefix = output.removeprefix("s3://").rstrip("/")
        add(
            "s3:PutObject", f"arn:aws:s3:::{prefix}/job/output/model.tar.gz", "writing model.tar.gz"
        )
    if image is not None:
        repository = f"arn:aws:ecr:{image.region}:{image.account}:repository/{image.repository}"
        for action in PULL_ACTIONS:
            add(action, repository, "pulling the image")
        add("ecr:GetAuthorizationToken", "*", "pulling the image")
    return requests


def _ask_aws(aws: AwsCalls, requests: list[Request], policies: dict) -> list[Verdict] | None:
    """AWS's verdicts, or None (with a warning saying why) where it cannot be asked."""
    verdicts = []
    for request in requests:
        policy = policies.get(_bucket(request))
        try:
            verdict, weighed = role_simulation.simulate(aws.client("iam"), request, policy)
        except role_simulation.Unavailable as why:
            aws.findings.warn(
                f"The execution role's access was read offline, because AWS's policy simulation "
                f"was not available ({why}); conditions and policies the pre-flight cannot "
                "evaluate are warnings, and permission boundaries are not seen."
            )
            return None
        if policy is not None and not weighed:
            verdict = _with_bucket_policy(verdict, request, policy)
        verdicts.append(verdict)
    return verdicts


def _with_bucket_policy(verdict: Verdict, request: Request, policy: dict) -> Verdict:
    """AWS's verdict on the role's own policies, with the bucket's policy weighed offline."""
    effect = resource_policy_effect(request, [policy])
    if effect is None or verdict.explicit:
        return verdict
    if effect.allowed is None:  # a Deny that may hold
        return verdict if verdict.allowed is False else Verdict(None, effect.conditions)
    # A Deny that holds wins; an Allow of the role grants it within its own account.
    return effect


def _report(aws: AwsCalls, key: str, request: Request, verdict: Verdict) -> None:
    where = f"{request.action} on {request.resource}"
    conditions = "; ".join(verdict.conditions)
    if verdict.allowed is False:
        hinge = (
            f"; the grants for it hold only under conditions the job's request does not meet "
            f"({conditions})"
            if conditions
            else ""
        )
        aws.findings.fail(
            f"The execution role named by {key} may not {where}, so the job would fail after "
            f"it started ({request.what}){hinge}; grant the role that permission"
            f"{' with no such condition' if conditions else ''}."
        )
    elif verdict.allowed is None:
        aws.findings.warn(
            f"The execution role named by {key} may {where} ({request.what}) only under "
            f"conditions the pre-flight cannot evaluate ({conditions}); unless the job's request "
            "meets them, the job fails after it started, so check them or grant it unconditionally."
        )


def _bucket_policy(aws: AwsCalls, bucket: str) -> dict | None:
    response, _code = aws.call("s3", "get_bucket_policy", Bucket=bucket)
    return json.loads(response["Policy"]) if response else None  # NoSuchBucketPolicy: none


def _bucket(request: Request) -> str | None:
    if not request.resource.startswith("arn:aws:s3:::"):
        return None
    return request.resource.removeprefix("arn:aws:s3:::").split("/", 1)[0]


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


def _listed(value: Any) -> list:
    return [] if value is None else [value]


def _as_document(document: Any) -> dict:
    # boto3 decodes policy documents; some endpoints hand back URL-encoded JSON text.
    return json.loads(unquote(document)) if isinstance(document, str) else document
