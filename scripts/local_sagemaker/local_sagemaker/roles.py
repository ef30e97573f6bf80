"""AWS clients that act as a job's execution role, as SageMaker's own calls do.

SageMaker assumes the execution role to read channels, write the model and write logs.
Here the role is assumed in moto's STS backend directly (the service principal needs no
credentials of its own), and the clients sign with the role's temporary keys, so with
moto's IAM enforcement on, the role's policy decides what the job may do.
"""

from __future__ import annotations

from typing import Any

import boto3
from moto.sts.models import sts_backends

SESSION_NAME = "SageMaker"


class RoleSession:
    """boto3 clients for ``endpoint`` signed as ``role_arn``."""

    def __init__(self, role_arn: str, account_id: str, region: str, endpoint: str) -> None:
        partition = role_arn.split(":")[1]
        role = sts_backends[account_id][partition].assume_role(
            region_name=region,
            role_session_name=SESSION_NAME,
            role_arn=role_arn,
            policy="",
            duration=43200,
            external_id="",
        )
        self.role_arn = role_arn
        self._session = boto3.Session(
            aws_access_key_id=role.access_key_id,
            aws_secret_access_key=role.secret_access_key,
            aws_session_token=role.session_token,
            region_name=region,
        )
        self._endpoint = endpoint

    def client(self, service: str) -> Any:
        return self._session.client(service, endpoint_url=self._endpoint)
