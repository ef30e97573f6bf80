"""Training logic for the spaceflights price model.

It is written once and used twice: by the image's entry point (``container/train.py``)
and by the Kedro project, which checks a channel before it pays for a job and rebuilds
the model from ``model.tar.gz``. It imports nothing from Kedro or the SageMaker SDK.
"""
