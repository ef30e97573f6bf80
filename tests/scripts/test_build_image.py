"""One image name and one build command for every local use of the image."""

import subprocess
from pathlib import Path

import pytest
from kedro.config import OmegaConfigLoader

from spaceflights.settings import CONFIG_LOADER_ARGS
from tests.support import PROJECT_DIR, REPO_ROOT, assert_one_sentence

BUILD_IMAGE = REPO_ROOT / "scripts" / "build_image.sh"
MODELS = ["linear_regression", "xgboost_regressor"]


def default_tag(*args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BUILD_IMAGE), *args, "--default-tag"], capture_output=True, text=True, cwd=cwd
    )


def kedro_project(folder: Path, package_name: str) -> Path:
    """A folder whose pyproject.toml says it is the Kedro project ``package_name``."""
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(
        f'[project]\nname = "{package_name}"\n\n[tool.kedro]\npackage_name = "{package_name}"\n'
    )
    return folder


@pytest.mark.parametrize("env", ["docker", "docker_v3"])
@pytest.mark.parametrize("model", MODELS)
def test_the_docker_envs_run_the_image_that_the_build_command_names(model, env):
    built = default_tag("--project", "kedro_project", "--model", f"models/{model}")
    assert built.returncode == 0, built.stderr
    loader = OmegaConfigLoader(
        str(PROJECT_DIR / "conf"),
        **{**CONFIG_LOADER_ARGS, "default_run_env": env},
        runtime_params={"model": model},
    )
    assert loader["parameters"]["training"]["estimator"]["image_uri"] == built.stdout.strip()


@pytest.mark.parametrize("model", MODELS)
def test_the_default_name_starts_with_the_projects_package_name(model):
    built = default_tag("--model", f"models/{model}")

    assert built.stdout == f"spaceflights-{model.replace('_', '-')}:latest\n"


def test_two_projects_on_one_machine_get_different_image_names(tmp_path):
    rockets = kedro_project(tmp_path / "rockets", "rockets")
    kedro_project(tmp_path / "work" / "probes", "deep_space_probes")

    names = [
        default_tag("--project", str(rockets), "--model", "models/linear_regression").stdout,
        # A relative --project is from the current folder.
        default_tag(
            "--project", "probes", "--model", "models/linear_regression", cwd=tmp_path / "work"
        ).stdout,
    ]

    assert names == [
        "rockets-linear-regression:latest\n",
        "deep-space-probes-linear-regression:latest\n",
    ]


@pytest.mark.parametrize(
    ("pyproject", "why"),
    [
        (None, "is not a folder"),
        ("", "has no pyproject.toml, so it is not a Kedro project"),
        ('[project]\nname = "rockets"\n', "has no [tool.kedro] package_name"),
        ("[tool.kedro\n", "cannot read"),
        ('[tool.kedro]\npackage_name = "2rockets"\n', "is not a Python package name"),
    ],
    ids=["missing", "no-pyproject", "not-kedro", "bad-toml", "bad-name"],
)
def test_a_folder_that_is_not_a_kedro_project_is_refused_in_one_sentence(tmp_path, pyproject, why):
    project = tmp_path / "project"
    if pyproject is not None:
        project.mkdir()
    if pyproject:
        (project / "pyproject.toml").write_text(pyproject)

    built = default_tag("--project", str(project))

    assert built.returncode == 2
    assert built.stdout == ""
    assert built.stderr.startswith("build_image: ")
    assert_one_sentence(built.stderr, str(project), why)


@pytest.mark.parametrize("model", MODELS)
def test_make_image_builds_the_image_the_configuration_names_for_the_model(model):
    recipe = subprocess.run(
        ["make", "--no-print-directory", "-n", "image", f"MODEL={model}"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=True,
    ).stdout
    assert f"configured-image kedro_project --model {model})" in recipe
    assert 'scripts/build_image.sh --project kedro_project --model "models/$1" --tag "$2"' in recipe
    # What the recipe's first command prints: the model, and the image that conf/base names
    # for it, which is also the build command's default name.
    configured = subprocess.run(
        [
            str(REPO_ROOT / ".venv/bin/python"),
            "scripts/kedro_project.py",
            "configured-image",
            "kedro_project",
            "--model",
            model,
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=True,
    ).stdout
    tag = default_tag("--project", "kedro_project", "--model", f"models/{model}").stdout
    assert configured == f"{model} {tag}"


def test_make_image_with_an_unknown_model_says_which_models_there_are():
    result = subprocess.run(
        ["make", "-s", "--no-print-directory", "image", "MODEL=random_forest"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    )

    assert result.returncode != 0
    # The sentence, and no traceback; other stderr lines (a tool's notice) may come with it.
    assert (
        "make: there is no model 'random_forest' in kedro_project/conf/base/globals.yml; "
        "its models are linear_regression, xgboost_regressor."
    ) in result.stderr.splitlines(), result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("env", ["", "docker"])
def test_make_run_passes_the_model_to_kedro_run(env):
    dry_run = subprocess.run(
        ["make", "-n", "run", "MODEL=xgboost_regressor", f"KEDRO_ENV={env}"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=True,
    ).stdout

    [kedro_run] = [line for line in dry_run.splitlines() if "/kedro run" in line]
    assert kedro_run.endswith("--params model=xgboost_regressor")
    assert ("configured-image kedro_project --model xgboost_regressor" in dry_run) == bool(env)


def test_every_script_builds_through_the_one_build_command():
    users = [REPO_ROOT / "Makefile", *(REPO_ROOT / "scripts").glob("*.sh")]
    for path in users:
        text = path.read_text()
        if path != BUILD_IMAGE:
            assert "docker build" not in text, f"{path} runs docker build itself"
    assert "scripts/build_image.sh" in (REPO_ROOT / "Makefile").read_text()
    for script in ("train_local.sh", "build_and_push.sh"):
        assert "scripts/build_image.sh" in (REPO_ROOT / "scripts" / script).read_text()
