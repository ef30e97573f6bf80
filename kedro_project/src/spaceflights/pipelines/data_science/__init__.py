"""Data science: the plugin's training pipeline on the model input table."""

from kedro_sagemaker_byoc.pipeline import create_pipeline

__all__ = ["create_pipeline"]
