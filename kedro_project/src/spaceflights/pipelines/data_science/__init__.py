"""Split the model input table, train through a SageMaker-style job, and evaluate."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
