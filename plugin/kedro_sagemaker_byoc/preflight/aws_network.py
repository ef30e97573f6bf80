"""AWS checks of the job's VPC: the subnets and security groups exist, and the subnets'
route tables reach S3 through a gateway endpoint (the job has no other way to S3)."""

from __future__ import annotations

from .aws_calls import AwsCalls
from .origin import ConfigOrigin
from .schema import Training


def check_vpc(training: Training, aws: AwsCalls, origin: ConfigOrigin) -> None:
    subnets = training.estimator.subnets or []
    groups = training.estimator.security_group_ids or []
    if not subnets or not groups:
        return  # both or neither is checked offline
    subnet_key = origin.where("training.estimator.subnets")
    response, code = aws.call("ec2", "describe_subnets", SubnetIds=subnets)
    if code is not None:
        aws.findings.fail(
            f"{subnet_key} lists subnets that do not exist in {aws.region} ({code}); copy the "
            "subnet IDs from the VPC console of that region."
        )
        return
    if response is None:
        return
    vpcs = {subnet["VpcId"] for subnet in response["Subnets"]}
    _response, code = aws.call("ec2", "describe_security_groups", GroupIds=groups)
    if code is not None:
        aws.findings.fail(
            f"{origin.where('training.estimator.security_group_ids')} lists security groups "
            f"that do not exist in {aws.region} ({code}); copy their IDs from the VPC console."
        )
    endpoints, _code = aws.call(
        "ec2",
        "describe_vpc_endpoints",
        Filters=[
            {"Name": "vpc-id", "Values": sorted(vpcs)},
            {"Name": "service-name", "Values": [f"com.amazonaws.{aws.region}.s3"]},
        ],
    )
    if endpoints is None:
        return
    routed = {
        table
        for endpoint in endpoints["VpcEndpoints"]
        if endpoint.get("VpcEndpointType", "Gateway") == "Gateway"
        and endpoint.get("State", "available").lower() == "available"
        for table in endpoint.get("RouteTableIds", [])
    }
    unrouted = [s["SubnetId"] for s in response["Subnets"] if _route_table(s, aws) not in routed]
    if unrouted:
        aws.findings.fail(
            f"{subnet_key} has subnets whose route table has no S3 gateway endpoint "
            f"({', '.join(unrouted[:5])}), so the job could not download its channel or upload "
            "the model; add an S3 gateway endpoint to those route tables."
        )


def _route_table(subnet: dict, aws: AwsCalls) -> str | None:
    """The subnet's route table: its own association, else its VPC's main table."""
    for filters in (
        [{"Name": "association.subnet-id", "Values": [subnet["SubnetId"]]}],
        [
            {"Name": "vpc-id", "Values": [subnet["VpcId"]]},
            {"Name": "association.main", "Values": ["true"]},
        ],
    ):
        response, _code = aws.call("ec2", "describe_route_tables", Filters=filters)
        if response and response["RouteTables"]:
            return response["RouteTables"][0]["RouteTableId"]
    return None
