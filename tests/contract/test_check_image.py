"""The build's import check: the entry point imports all it needs, or one sentence why not."""

from __future__ import annotations

import json
import sys

import pytest

from tests.contract.jobs import HERE, TINY_TRAIN, run


def check(program, *path) -> tuple[int, str]:
    """``python -m training_contract.check_image`` for ``program``, the model's folder on the
    path (as the image's .pth puts it there)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "SAGEMAKER_PROGRAM": str(program),  # absolute: read in place of /opt/ml/code
        "PYTHONPATH": ":".join(str(p) for p in (HERE, *path)),
    }
    return run([sys.executable, "-m", "training_contract.check_image"], env)


def write_program(tmp_path, source: str):
    program = tmp_path / "train.py"
    program.write_text(source)
    return program


def test_an_entry_point_that_imports_is_recorded_without_training():
    code, output = check(TINY_TRAIN)

    assert code == 0, output
    record = json.loads(output)  # nothing else printed: the program's main did not run
    assert record == {
        "program": str(TINY_TRAIN),
        "model": "tiny",
        "hyperparameters": {
            "features": {"kind": "list", "default": []},
            "scale": {"kind": "float", "default": 1.0},
            "digits": {"kind": "int", "default": 6},
            "per_feature": {"kind": "bool", "default": False},
            "behaviour": {"kind": "str", "default": "train"},
        },
        "python": sys.version.split()[0],
        "imports": "ok",
    }


def test_a_missing_dependency_fails_with_one_sentence_naming_it(tmp_path):
    program = write_program(tmp_path, "import no_such_package_xyz\nfrom tiny_model import MODEL\n")

    code, output = check(program)

    assert code == 1
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith("build again."), output
    assert f"The entry point {program} cannot import no_such_package_xyz" in lines[0]
    assert "add the package to the model's requirements.txt" in lines[0]


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("x = 1\n", "it defines 0 training_contract Model objects, not one"),
        (
            "from tiny_model import MODEL\nfrom dataclasses import replace\n"
            "OTHER = replace(MODEL, name='other')\n",
            "it defines 2 training_contract Model objects, not one",
        ),
    ],
    ids=["no model", "two models"],
)
def test_an_entry_point_without_exactly_one_model_is_refused(tmp_path, source, found):
    program = write_program(tmp_path, source)

    code, output = check(program)

    assert code == 1
    assert output.strip().splitlines() == [
        f"The entry point {program} is not a training_contract program ({found}); it must "
        "define one Model and call trainer.main with it."
    ]


def test_a_missing_entry_point_is_one_sentence(tmp_path):
    code, output = check(tmp_path / "train.py")

    assert code == 1
    assert len(output.strip().splitlines()) == 1
    assert f"The entry point {tmp_path / 'train.py'} is not a training_contract program" in output
