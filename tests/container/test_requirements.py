"""The image and the development venv install the same versions of what they share."""

from tests.support import REPO_ROOT


def pins(path) -> dict[str, str]:
    entries = {}
    for line in path.read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            entries[name.strip().lower().replace("_", "-")] = version.strip()
    return entries


def test_image_requirements_are_pinned_at_the_lock_versions():
    image = pins(REPO_ROOT / "container/requirements.txt")
    lock = pins(REPO_ROOT / "requirements.lock")
    assert {"sagemaker-training", "scikit-learn", "pandas", "pyarrow"} <= set(image)
    assert {name: version for name, version in image.items() if lock.get(name) != version} == {}


def test_the_image_installs_neither_kedro_nor_the_sagemaker_sdk():
    image = pins(REPO_ROOT / "container/requirements.txt")
    assert not {"kedro", "sagemaker", "sagemaker-core"} & set(image)
