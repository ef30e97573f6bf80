"""The program a local job runs: ``training.estimator.entry_point``.

It is either a model folder's ``train.py`` (the file the image runs), or a model's
``training_contract`` ``Model`` by import path, such as ``linear_regression.model.MODEL``.
A model package installed with pip carries no ``train.py``: its folder's file lies beside
the package, not in it. Every ``train.py`` is the contract's program
``sys.exit(trainer.main(MODEL))`` (``training_contract.model``), so for a ``Model`` the job
runs that same program, written into the job's code folder under the image's file name.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from training_contract.environment import PROGRAM
from training_contract.model import Model

_PROGRAM_FOR_MODEL = '''"""The entry point for {path}, as a model folder's train.py is."""

import sys

from training_contract import trainer
from {module} import {name}

if __name__ == "__main__":
    sys.exit(trainer.main({name}))
'''


class EntryPointError(ValueError):
    """``entry_point`` is not a ``.py`` file and names no ``Model``."""


@dataclass(frozen=True)
class EntryPoint:
    """The program's file name in the job's code folder, its bytes, and the folder it lies
    in (whose packages Python finds first when it runs the file), if it is a file."""

    name: str
    source: bytes
    folder: Path | None


def resolve(entry_point: str) -> EntryPoint:
    """The program ``entry_point`` names; FileNotFoundError (a ``.py`` file that is not
    there) or EntryPointError, with one sentence."""
    if entry_point.endswith(".py"):
        path = Path(entry_point)
        if not path.is_file():
            raise FileNotFoundError(
                f"Entry point {path} not found (from {Path.cwd()}); set "
                "training.estimator.entry_point to the model's train.py, or to its Model's "
                "import path (module.NAME) if the model is an installed package."
            )
        return EntryPoint(path.name, path.read_bytes(), path.parent)
    module, _, name = entry_point.rpartition(".")
    try:
        # Only names go into the program below, never other text.
        if not all(part.isidentifier() for part in entry_point.split(".")):
            raise ValueError("not a dotted import path")
        found = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise EntryPointError(
            f"training.estimator.entry_point {entry_point!r} is not a .py file and cannot be "
            f"imported ({type(exc).__name__}: {exc}); give the model's train.py, or its Model's "
            "import path (module.NAME) with the model's package installed here."
        ) from exc
    if not isinstance(found, Model):
        raise EntryPointError(
            f"training.estimator.entry_point {entry_point!r} is a {type(found).__name__}, not "
            "a training_contract Model; give the model's train.py, or the Model its train.py "
            "runs (module.NAME)."
        )
    source = _PROGRAM_FOR_MODEL.format(path=entry_point, module=module, name=name)
    return EntryPoint(PROGRAM, source.encode(), None)
