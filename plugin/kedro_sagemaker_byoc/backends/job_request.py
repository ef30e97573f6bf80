"""CreateTrainingJob's request for ``ModelTrainerEstimator``, as sagemaker-core shapes.

The estimator's settings are the v2 Estimator's configuration keys; this maps them onto
the arguments of sagemaker-core's ``TrainingJob.create``, less the name and the session.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..uris import as_uri

if TYPE_CHECKING:
    from .model_trainer import ModelTrainerEstimator


def create_arguments(estimator: ModelTrainerEstimator, inputs: Mapping[str, str]) -> dict:
    """``TrainingJob.create``'s arguments, as sagemaker-core shapes, less name and session.

    Channels are built as ``Channel`` objects with their input mode: ModelTrainer's
    ``InputData`` with an s3:// string always means File mode.
    """
    from sagemaker.core import shapes

    s = estimator.settings
    mode = s["input_mode"]
    channels = [
        shapes.Channel(
            channel_name=name,
            data_source=shapes.DataSource(
                s3_data_source=shapes.S3DataSource(
                    s3_data_type="S3Prefix",
                    s3_uri=as_uri(uri),
                    s3_data_distribution_type="FullyReplicated",
                )
            ),
            input_mode=mode,
        )
        for name, uri in inputs.items()
    ]
    arguments: dict[str, Any] = {
        "role_arn": estimator.role,
        "algorithm_specification": shapes.AlgorithmSpecification(
            training_image=estimator.image_uri,
            training_input_mode=mode,
            metric_definitions=[
                shapes.MetricDefinition(name=m["Name"], regex=m["Regex"])
                for m in s["metric_definitions"]
            ]
            or None,
            container_entrypoint=s["container_entry_point"],
            container_arguments=s["container_arguments"],
        ),
        "hyper_parameters": estimator.hyperparameters,
        "input_data_config": channels,
        "output_data_config": shapes.OutputDataConfig(
            s3_output_path=as_uri(estimator.output_path), kms_key_id=s["output_kms_key"]
        ),
        "resource_config": shapes.ResourceConfig(
            instance_type=estimator.instance_type,
            instance_count=estimator.instance_count,
            volume_size_in_gb=s["volume_size"],
            volume_kms_key_id=s["volume_kms_key"],
        ),
        "stopping_condition": shapes.StoppingCondition(
            max_runtime_in_seconds=s["max_run"], max_wait_time_in_seconds=s["max_wait"]
        ),
        "enable_network_isolation": s["enable_network_isolation"],
        "enable_managed_spot_training": s["use_spot_instances"],
        "environment": estimator.environment or None,
        # As dictionaries: TrainingJob.create validates tags into a Tag model of its own,
        # and refuses instances of shapes.Tag.
        "tags": [{"key": t["Key"], "value": t["Value"]} for t in s["tags"]] or None,
    }
    if s["subnets"] or s["security_group_ids"]:
        arguments["vpc_config"] = shapes.VpcConfig(
            subnets=s["subnets"], security_group_ids=s["security_group_ids"]
        )
    if s["checkpoint_s3_uri"]:
        arguments["checkpoint_config"] = shapes.CheckpointConfig(s3_uri=s["checkpoint_s3_uri"])
    if s["disable_profiler"]:
        arguments["profiler_config"] = shapes.ProfilerConfig(disable_profiler=True)
    return {key: value for key, value in arguments.items() if value is not None}
