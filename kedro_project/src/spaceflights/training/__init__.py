"""How a training job runs: on this machine, in the image through SageMaker local mode,
or on SageMaker. Which one is configuration (``training.estimator`` in the parameters).
"""

import os
from pathlib import Path

# The SageMaker SDK reports telemetry to AWS unless its config opts out. Point it at our
# opt-out unless the user already chose a config file of their own.
os.environ.setdefault(
    "SAGEMAKER_USER_CONFIG_OVERRIDE", str(Path(__file__).with_name("sagemaker_sdk.yaml"))
)
# We stay on SDK v2 on purpose (v3 removed the generic Estimator); its notice is noise here.
os.environ.setdefault("SAGEMAKER_SUPPRESS_V2_WARNING", "1")
