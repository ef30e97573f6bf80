"""Fixtures for the SDK v3 tests, which run in .venv-v3 only (`make test-v3`).

They are the fixtures of tests/ (the image built once per session, the project copy, the
local SageMaker on 127.0.0.1), imported rather than repeated. tests/ is pytest's
testpaths, so the v2 venv's pytest never collects this folder.
"""

from tests.conftest import (  # noqa: F401 - fixtures and the docker skip rule, shared
    channel_dir,
    features,
    image,
    model_options,
    project,
    pytest_collection_modifyitems,
    raw_data,
    spawn,
)
from tests.local_aws import (  # noqa: F401 - fixtures for the tests that use the local AWS
    aws_env,
    bucket,
    create_training_job_requests,
    execution_role,
    local_sagemaker,
    moto_endpoint,
    pushed_image,
    registry,
)
