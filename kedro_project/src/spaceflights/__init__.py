"""spaceflights: Kedro's tutorial pipeline, training through the SageMaker contract."""

__version__ = "0.1.0"
