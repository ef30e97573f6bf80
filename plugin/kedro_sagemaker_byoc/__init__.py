"""How a training job runs: on this machine, in the image through SageMaker local mode,
or on SageMaker. Which one is configuration (``training.estimator`` in the parameters).
"""

import logging
import os
from pathlib import Path

from platformdirs import user_config_dir

# The SageMaker SDK reports telemetry to AWS unless its config opts out. Point it at our
# opt-out, unless the user has an SDK config of their own: overriding that would drop
# their team defaults (KMS keys, VPC, tags), and their telemetry choice is theirs.
_USER_SDK_CONFIG = Path(user_config_dir("sagemaker")) / "config.yaml"
if "SAGEMAKER_USER_CONFIG_OVERRIDE" not in os.environ and not _USER_SDK_CONFIG.exists():
    os.environ["SAGEMAKER_USER_CONFIG_OVERRIDE"] = str(
        Path(__file__).with_name("sagemaker_sdk.yaml")
    )
# We stay on SDK v2 on purpose (v3 removed the generic Estimator); its notice is noise here.
os.environ.setdefault("SAGEMAKER_SUPPRESS_V2_WARNING", "1")

# Kedro's logging configuration shows INFO from Kedro and the project's own package only, so
# a plugin's logger stays at WARNING, and a run would not say that the pre-flight passed,
# which earlier job it reused or how the model scored. Kedro has applied the project's
# configuration by the time it loads this plugin's hooks: a level set there stays.
_logger = logging.getLogger(__name__)
if _logger.level == logging.NOTSET:
    _logger.setLevel(logging.INFO)
