"""What the scripts need to know about a Kedro project, read from the project itself.

    python scripts/kedro_project.py package-name PROJECT
    python scripts/kedro_project.py image-name PROJECT MODEL_DIR
    python scripts/kedro_project.py configured-image PROJECT [--model NAME]

``package-name`` prints ``[tool.kedro] package_name`` of PROJECT/pyproject.toml.
``image-name`` prints the name the scripts give that project's image of a model, and the
ECR repository they push it to by default: ``<package name>-<model folder name>``, in
the letters Docker and ECR accept (``spaceflights`` and ``models/linear_regression`` give
``spaceflights-linear-regression``). The project's name is in it so that two projects on
one machine never build over each other's image.
``configured-image`` prints the model and the image the project's configuration names
(``model`` and ``models.<model>.image`` in its globals, default environment), which is
what ``kedro run --env docker`` runs; it needs the project's Kedro installed.

Bad input ends with one sentence on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path


class BadProject(Exception):
    """The sentence to print when PROJECT or MODEL_DIR cannot be used."""


def package_name(project: Path) -> str:
    """``[tool.kedro] package_name`` of ``project``/pyproject.toml."""
    if not project.is_dir():
        raise BadProject(
            f"{project} is not a folder; pass --project with your Kedro project's folder."
        )
    pyproject = project / "pyproject.toml"
    if not pyproject.is_file():
        raise BadProject(
            f"{project} has no pyproject.toml, so it is not a Kedro project; pass --project "
            "with the folder that holds your Kedro project's pyproject.toml."
        )
    # Outside the venv the scripts run python3, which may be older than the project's floor;
    # tomllib came with 3.11, and the project's own venv (make setup) has it.
    if sys.version_info < (3, 11):  # noqa: UP036
        raise BadProject(
            f"reading {pyproject} needs Python 3.11 or newer (this is "
            f"{sys.version_info.major}.{sys.version_info.minor}); run 'make setup' first."
        )
    import tomllib

    try:
        with pyproject.open("rb") as file:
            settings = tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise BadProject(f"cannot read {pyproject}: {error}.") from None
    name = settings.get("tool", {}).get("kedro", {}).get("package_name")
    if not isinstance(name, str) or not name:
        raise BadProject(
            f"{pyproject} has no [tool.kedro] package_name, so {project} is not a Kedro "
            "project; pass --project with your Kedro project's folder."
        )
    # Kedro's own rule for package names: a Python identifier, in ASCII.
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise BadProject(
            f"[tool.kedro] package_name in {pyproject} is {name!r}, which is not a Python "
            "package name (letters, digits and underscores, not starting with a digit)."
        )
    return name


def name_word(text: str) -> str:
    """``text`` in the letters Docker image names and ECR repositories share: lower case,
    digits, and single hyphens between them."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def image_name(project: Path, model_dir: str) -> str:
    """``<package name>-<model folder name>``: the local image's name and the repository's."""
    model = name_word(Path(model_dir.rstrip("/")).name)
    if not model:
        raise BadProject(f"--model {model_dir} has no folder name to name its image after.")
    return f"{name_word(package_name(project))}-{model}"


def configured_image(project: Path, model: str | None) -> tuple[str, str]:
    """The model the project trains (``model``, or the given one) and the image its
    configuration names for it (``models.<model>.image``)."""
    package_name(project)  # a clear sentence for a folder that is not a Kedro project
    try:
        from kedro_sagemaker_byoc.project import config_loader
    except ImportError:
        raise BadProject(
            f"reading {project}'s configuration needs Kedro and kedro-sagemaker-byoc in this "
            f"Python ({sys.executable}); run 'make setup' first."
        ) from None

    os.chdir(project)
    globals_ = config_loader(None)["globals"]
    models = globals_.get("models") or {}
    model = model or globals_.get("model")
    where = f"{project}/conf/base/globals.yml"
    if not models or not model:
        raise BadProject(
            f"{where} names no models (a 'models' mapping and the default 'model'), so there "
            "is no configured image to build; run scripts/build_image.sh --project instead."
        )
    if model not in models:
        raise BadProject(
            f"there is no model {model!r} in {where}; its models are {', '.join(sorted(models))}."
        )
    image = (models[model] or {}).get("image")
    if not image:
        raise BadProject(f"{where} gives models.{model} no image; add one.")
    return model, str(image)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prog", default="kedro_project", help="name to start a sentence with")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("package-name").add_argument("project", type=Path)
    image = commands.add_parser("image-name")
    image.add_argument("project", type=Path)
    image.add_argument("model_dir")
    configured = commands.add_parser("configured-image")
    configured.add_argument("project", type=Path)
    configured.add_argument("--model", default=None)
    args = parser.parse_args(argv)
    try:
        if args.command == "package-name":
            print(package_name(args.project))
        elif args.command == "image-name":
            print(image_name(args.project, args.model_dir))
        else:
            print(*configured_image(args.project, args.model))
    except BadProject as sentence:
        print(f"{args.prog}: {sentence}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
