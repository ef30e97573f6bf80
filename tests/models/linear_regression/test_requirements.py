"""The linear model's image and the development venv install the same versions of what they
share, and the image installs what the contract needs and nothing training does not import."""

import tomllib

from tests.support import REPO_ROOT

IMAGE_REQUIREMENTS = REPO_ROOT / "models" / "linear_regression" / "requirements.txt"


def pins(path) -> dict[str, str]:
    entries = {}
    for line in path.read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            entries[name.strip().lower().replace("_", "-")] = version.strip()
    return entries


def test_image_requirements_are_pinned_at_the_lock_versions():
    image = pins(IMAGE_REQUIREMENTS)
    lock = pins(REPO_ROOT / "requirements.lock")
    assert {"sagemaker-training", "numpy", "pyarrow", "scipy"} <= set(image)
    assert {name: version for name, version in image.items() if lock.get(name) != version} == {}


def test_the_image_installs_neither_kedro_nor_the_sagemaker_sdk():
    image = pins(IMAGE_REQUIREMENTS)
    assert not {"kedro", "sagemaker", "sagemaker-core"} & set(image)


def test_the_image_installs_no_library_training_does_not_import():
    # Streamed training needs neither; they were 140 MB of every image pull.
    image = pins(IMAGE_REQUIREMENTS)
    assert not {"pandas", "scikit-learn"} & set(image)


def test_the_image_installs_everything_the_contract_depends_on():
    contract = tomllib.loads((REPO_ROOT / "contract" / "pyproject.toml").read_text())
    needed = {
        dependency.split("~")[0].split("=")[0].split(">")[0].strip().lower().replace("_", "-")
        for dependency in contract["project"]["dependencies"]
    }
    assert needed and needed <= set(pins(IMAGE_REQUIREMENTS))
