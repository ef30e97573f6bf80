"""The build's check that an image's entry point imports, run inside the built image.

``python -m training_contract.check_image`` loads the entry point (``SAGEMAKER_PROGRAM``
in /opt/ml/code) without running it, so every module the model imports is imported; it
prints what it found as JSON (the Dockerfile keeps it in the image as the build's record)
or exits 1 with one sentence. A missing dependency then fails the build, not a paid job.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
from pathlib import Path

from .environment import CODE_DIR, ML_ROOT, PROGRAM, PROGRAM_ENV
from .model import Model


def check(program: Path) -> dict:
    """What the entry point at ``program`` declares; ImportError or LookupError if it cannot."""
    namespace = runpy.run_path(str(program), run_name="training_contract_check")
    models = list({id(v): v for v in namespace.values() if isinstance(v, Model)}.values())
    if len(models) != 1:
        raise LookupError(f"it defines {len(models)} training_contract Model objects, not one")
    model = models[0]
    return {
        "program": str(program),
        "model": model.name,
        "hyperparameters": {
            spec.name: {"kind": spec.kind.__name__, "default": _plain(spec.default)}
            for spec in model.hyperparameters
        },
        "python": sys.version.split()[0],
        "imports": "ok",
    }


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def main() -> int:
    program = ML_ROOT / CODE_DIR / os.environ.get(PROGRAM_ENV, PROGRAM)
    try:
        found = check(program)
    except ImportError as error:
        print(
            f"The entry point {program} cannot import {error.name or 'a module'} ({error}); "
            "add the package to the model's requirements.txt and build again.",
            file=sys.stderr,
        )
        return 1
    except (OSError, LookupError) as error:
        print(
            f"The entry point {program} is not a training_contract program ({error}); it must "
            "define one Model and call trainer.main with it.",
            file=sys.stderr,
        )
        return 1
    print(json.dumps(found, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
