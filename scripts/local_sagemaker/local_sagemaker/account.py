"""A throwaway account on the local AWS: a bucket, the execution role, a submitter.

The role and the submitter get the project's own IAM documents (``scripts/iam``) with
their placeholders filled, so that with IAM enforcement on, a rehearsal proves those
documents are sufficient. ``python -m local_sagemaker.account --help`` for the CLI.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path

import boto3
import requests

ACCOUNT_ID = "123456789012"  # moto's default account
TRUST = "sagemaker-execution-role-trust.json"
EXECUTION_POLICY = "sagemaker-execution-role-policy.json"
SUBMITTER_POLICY = "submitter-policy.json"


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace each placeholder (ACCOUNT_ID, REGION, ...) as scripts/iam/README.md's sed does."""
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def provision(
    endpoint: str, iam_dir: Path, values: Mapping[str, str], submitter: str
) -> dict[str, str]:
    """Create the bucket, the role and the submitter; return the submitter's keys and the role."""
    session = boto3.Session(
        aws_access_key_id="provisioner",
        aws_secret_access_key="provisioner",
        region_name=values["REGION"],
    )
    s3, iam = (session.client(s, endpoint_url=endpoint) for s in ("s3", "iam"))
    s3.create_bucket(Bucket=values["BUCKET"])
    role = iam.create_role(
        RoleName=values["ROLE_NAME"],
        AssumeRolePolicyDocument=fill((iam_dir / TRUST).read_text(), values),
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName=values["ROLE_NAME"],
        PolicyName="training-execution",
        PolicyDocument=fill((iam_dir / EXECUTION_POLICY).read_text(), values),
    )
    iam.create_user(UserName=submitter)
    iam.put_user_policy(
        UserName=submitter,
        PolicyName="training-submitter",
        PolicyDocument=fill((iam_dir / SUBMITTER_POLICY).read_text(), values),
    )
    key = iam.create_access_key(UserName=submitter)["AccessKey"]
    return {
        "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
        "ROLE_ARN": role,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local_sagemaker.account", description=__doc__)
    parser.add_argument("--endpoint", required=True, help="the local AWS, http://127.0.0.1:PORT")
    parser.add_argument("--iam-dir", type=Path, required=True, help="folder of the IAM documents")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--repository", required=True)
    parser.add_argument(
        "--job-name", required=True, help="how the project's training job names start"
    )
    parser.add_argument("--role-name", required=True)
    parser.add_argument("--submitter", default="rehearsal-submitter")
    parser.add_argument("--env-file", type=Path, required=True, help="KEY=value lines to write")
    parser.add_argument(
        "--enforce-iam", action="store_true", help="then turn moto's IAM checks on for every call"
    )
    args = parser.parse_args(argv)
    values = {
        "ACCOUNT_ID": ACCOUNT_ID,
        "REGION": args.region,
        "BUCKET": args.bucket,
        "PREFIX": args.prefix,
        "REPOSITORY": args.repository,
        "JOB_NAME": args.job_name,
        "ROLE_NAME": args.role_name,
    }
    created = provision(args.endpoint, args.iam_dir, values, args.submitter)
    args.env_file.write_text("".join(f"{k}={shlex.quote(v)}\n" for k, v in created.items()))
    if args.enforce_iam:
        enforce_iam(args.endpoint)
    return 0


def enforce_iam(endpoint: str, enabled: bool = True) -> None:
    """Turn moto's IAM checks on (every call needs a known key and a policy) or off."""
    response = requests.post(
        f"{endpoint}/moto-api/reset-auth", data="0" if enabled else "inf", timeout=10
    )
    response.raise_for_status()


if __name__ == "__main__":
    sys.exit(main())
