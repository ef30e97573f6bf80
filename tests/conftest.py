"""Fixtures shared by the tests: model options and a training channel."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.processes import remove_containers_of_test, spawner
from tests.support import (
    PROJECT_DIR,
    REPO_ROOT,
    build_image,
    checkout_image_tag,
    copy_project,
    docker_available,
    make_training_frames,
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip docker-marked tests without an engine, but never in CI, where they must run."""
    if os.environ.get("CI") or docker_available():
        return
    skip = pytest.mark.skip(
        reason="needs a running Docker engine (CI starts one: .ci/docker-env.sh)"
    )
    for item in items:
        if "docker" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen]]:
    """``spawn(command, **popen)``: Popen whose processes end with the test, however it ends."""
    yield from spawner(tmp_path)


@pytest.fixture(autouse=True)
def _no_container_outlives_its_test(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[None]:
    """Containers a test that runs the image leaves behind (a ``docker run`` whose client
    timed out, a local-mode job whose run was killed) are removed when it ends."""
    yield
    if "image" in request.fixturenames:
        remove_containers_of_test(tmp_path)


@pytest.fixture(scope="session")
def image() -> str:
    """The training image, built once per session from this checkout with known labels."""
    tag = checkout_image_tag("test")
    labels = "--build-arg VCS_REF=test-revision --build-arg BUILD_DATE=2026-01-01T00:00:00Z"
    build_image(REPO_ROOT, tag, *labels.split())
    return tag


@pytest.fixture(scope="session")
def model_options() -> dict:
    """The model options of the default environment, resolved as the pipeline gets them."""
    from kedro.config import OmegaConfigLoader

    from spaceflights.settings import CONFIG_LOADER_ARGS

    loader = OmegaConfigLoader(str(PROJECT_DIR / "conf"), **CONFIG_LOADER_ARGS)
    return loader["parameters"]["model_options"]


@pytest.fixture
def features(model_options: dict) -> list[str]:
    return list(model_options["features"])


@pytest.fixture
def hyperparameter_args(features: list[str]) -> list[str]:
    """Hyperparameters as the toolkit passes them to the entry point."""
    return ["--features", ",".join(features), "--fit_intercept", "True", "--positive", "False"]


@pytest.fixture
def channel_dir(tmp_path: Path, features: list[str]) -> Path:
    """A training channel folder holding good X_train.parquet and y_train.parquet."""
    channel = tmp_path / "channel"
    channel.mkdir()
    X, y = make_training_frames(features)
    X.to_parquet(channel / "X_train.parquet")
    y.to_parquet(channel / "y_train.parquet")
    return channel


@pytest.fixture(scope="session")
def raw_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated raw files, made once per test session."""
    from spaceflights.raw_data import generate

    raw_dir = tmp_path_factory.mktemp("raw")
    generate(raw_dir)
    return raw_dir


@pytest.fixture
def project(tmp_path: Path, raw_data: Path) -> Path:
    """A temporary copy of the Kedro project (and models/) with raw data in place."""
    return copy_project(tmp_path, raw_data)


from tests.local_aws import (  # noqa: E402,F401 - fixtures for the tests that use the local AWS
    aws_env,
    bucket,
    create_training_job_requests,
    execution_role,
    iam_account,
    local_sagemaker,
    moto_endpoint,
    pushed_image,
    registry,
)
