"""The one sentence a bad ``model.ubj`` gets, and the checks that find it, for decoded values.

Decoded UBJSON holds dicts, lists, scalars and numpy arrays (``ubjson``); these helpers
compare such values without ever raising on an unexpected type, so that a hostile file
gets a sentence, not a traceback.
"""

from __future__ import annotations

import reprlib
from collections.abc import Sequence
from typing import Any

import numpy as np

MODEL_FILE = "model.ubj"
_SHORT = reprlib.Repr()
_SHORT.maxstring = 80


class ModelDocumentError(ValueError):
    """``model.ubj`` is not a booster of this model; ``key`` says where it went wrong."""

    def __init__(self, key: str | None, problem: str) -> None:
        self.key = key
        self.problem = problem
        super().__init__(self.sentence())

    def sentence(self, where: str | None = None) -> str:
        """The one sentence a user reads, naming the key and, if given, the archive."""
        # A hostile key may be megabytes long; the sentence shows its start.
        subject = MODEL_FILE if self.key is None else f"{MODEL_FILE} key {_SHORT.repr(self.key)}"
        place = f" in {where}" if where else ""
        return f"{subject}{place} {self.problem}; retrain with the XGBoost regressor's image."


def short(value: Any) -> str:
    """``repr(value)``, cut so that a huge value cannot crowd out the sentence."""
    return _SHORT.repr(value)


def keys(mapping: Any, where: str, expected: Sequence[str]) -> None:
    """Refuse a ``mapping`` at ``where`` that lacks any of ``expected`` or has any other key."""
    if not isinstance(mapping, dict):
        raise ModelDocumentError(where or None, "must be an object")
    prefix = f"{where}." if where else ""
    for name in expected:
        if name not in mapping:
            raise ModelDocumentError(f"{prefix}{name}", "is missing")
    for name in mapping:
        if name not in expected:
            raise ModelDocumentError(f"{prefix}{name}", "is not part of the model format")


def same(value: Any, expected: Any) -> bool:
    """``value == expected`` for plain values; False, never an error, for anything else."""
    if isinstance(expected, dict):
        return (
            isinstance(value, dict)
            and value.keys() == expected.keys()
            and all(same(value[k], v) for k, v in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(value, list)
            and len(value) == len(expected)
            and all(map(same, value, expected))
        )
    return type(value) is type(expected) and value == expected


def whole_numbers(value: Any, key: str) -> np.ndarray:
    """A list (or typed array) of whole numbers as int64; refused naming ``key`` otherwise."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "iu":
        return value.astype(np.int64)
    if isinstance(value, list) and all(type(item) is int for item in value):
        return np.asarray(value, dtype=np.int64)
    raise ModelDocumentError(key, "must be a list of whole numbers")
