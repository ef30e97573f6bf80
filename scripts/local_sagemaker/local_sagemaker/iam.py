"""Closer IAM checks for moto's enforcement mode, for the calls this project makes.

moto checks every call against the caller's policies once enforcement is on, but outside
S3, IAM and STS it checks the action against resource ``*`` only, so a policy scoped to
``training-job/spaceflights*`` or to one repository would be refused everything. This
module names the resource of SageMaker, ECR and CloudWatch Logs calls as AWS does, and
checks ``iam:PassRole`` on CreateTrainingJob, which moto does not check at all. moto
also answers a refused call in XML, which clients of these JSON APIs read as a bare
"403"; here the refusal comes back as AccessDeniedException with moto's sentence.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from moto import settings as moto_settings
from moto.core.authorization import ActionAuthenticatorMixin
from moto.core.exceptions import JsonRESTError
from moto.core.exceptions import _RESTError as RESTError  # the base of its auth errors
from moto.ecr.responses import ECRResponse
from moto.iam.access_control import IAMRequest
from moto.iam.exceptions import IAMException
from moto.iam.responses import IamResponse
from moto.logs.responses import LogsResponse
from moto.sagemaker.responses import SageMakerResponse


def enforcing() -> bool:
    """Whether moto is checking IAM now (INITIAL_NO_AUTH_ACTION_COUNT is used up)."""
    return ActionAuthenticatorMixin.request_count >= moto_settings.INITIAL_NO_AUTH_ACTION_COUNT


def _prefix(response: Any, service: str) -> str:
    return f"arn:{response.partition}:{service}:{response.region}:{response.current_account}"


def sagemaker_resource(response: Any) -> str:
    name = response._get_param("TrainingJobName")
    return f"{_prefix(response, 'sagemaker')}:training-job/{name.lower()}" if name else "*"


def ecr_resource(response: Any) -> str:
    names = response._get_param("repositoryNames") or [response._get_param("repositoryName")]
    # A call about several repositories (or none named) is checked against resource *.
    if len(names) != 1 or not names[0]:
        return "*"
    return f"{_prefix(response, 'ecr')}:repository/{names[0]}"


def logs_resource(response: Any) -> str:
    group = response._get_param("logGroupName")
    if not group:
        return "*"
    stream = response._get_param("logStreamName")
    if stream:
        return f"{_prefix(response, 'logs')}:log-group:{group}:log-stream:{stream}"
    return f"{_prefix(response, 'logs')}:log-group:{group}"


_iam_resource = IamResponse._determine_resource


def iam_resource(response: Any) -> str:
    """moto names an IAM call's resource only by a RoleName parameter; a simulation's
    resource is the principal it simulates (PolicySourceArn)."""
    source = response._get_param("PolicySourceArn")
    return source if source else _iam_resource(response)


def check_pass_role(response: Any, role_arn: str) -> None:
    """Refuse CreateTrainingJob unless the caller may pass ``role_arn`` (AccessDenied)."""
    if not enforcing():
        return
    request = IAMRequest(
        account_id=response.current_account,
        method=response.method,
        path=response.raw_path,
        data=response.data,
        body=response.raw_body,
        headers=response.headers,
        action="PassRole",
    )
    # moto names the action after the signing service (sagemaker:); PassRole is IAM's.
    request._action = "iam:PassRole"
    try:
        request.check_action_permitted(role_arn)
    except RESTError as refused:
        raise _as_json(refused) from refused


def _as_json(refused: RESTError) -> JsonRESTError:
    error_type = "AccessDeniedException" if refused.code == 403 else refused.error_type
    error = JsonRESTError(error_type, refused.message)
    error.code = refused.code
    return error


def _json_refusals(check: Callable[..., None]) -> Callable[..., None]:
    def checked(self: Any, resource: str = "*") -> None:
        try:
            check(self, resource)
        except JsonRESTError:
            raise
        except RESTError as refused:
            raise _as_json(refused) from refused

    return checked


class SimulationNotImplemented(IAMException):
    """moto has no policy simulator; unanswered, its server fails with an HTML page that
    clients cannot parse. This says so as an AWS error, which clients can act on."""

    code = "NotImplemented"
    message = "The local AWS does not simulate IAM policies (moto implements no simulator)."


def _cannot_simulate(self: Any) -> None:
    raise SimulationNotImplemented()


def install() -> None:
    """Give moto's SageMaker, ECR and Logs responses the resource ARN of each call, and
    answer IAM's policy simulation with NotImplemented."""
    IamResponse._determine_resource = iam_resource
    IamResponse.simulate_principal_policy = _cannot_simulate
    IamResponse.simulate_custom_policy = _cannot_simulate
    # moto warns that IAM's service model has no NotImplemented error; the client reads it.
    warnings.filterwarnings("ignore", r"Exception\(SimulationNotImplemented\)", UserWarning)
    SageMakerResponse._determine_resource = sagemaker_resource
    ECRResponse._determine_resource = ecr_resource
    LogsResponse._determine_resource = logs_resource
    for response in (SageMakerResponse, ECRResponse, LogsResponse):
        if not hasattr(response, "_plain_authorization"):
            response._plain_authorization = response._authenticate_and_authorize_normal_action
            response._authenticate_and_authorize_normal_action = _json_refusals(
                response._plain_authorization
            )
