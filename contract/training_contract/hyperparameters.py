"""Hyperparameters: declared by a model, typed on arrival, whatever client sent them.

A model declares each hyperparameter it accepts (``Hyperparameter``: a name, a type and a
default). SageMaker stores every value as a string; the toolkit JSON-decodes it where it can
and hands the entry point sorted ``--name value`` arguments, each value turned back into
text with ``str()``. So one value reaches the entry point in several spellings, by client:

- SDK v2 ``Estimator``: ``str(value)``, so a list arrives as ``['a', 'b']``;
- SDK v3 ``ModelTrainer`` and the AWS CLI with JSON: ``["a", "b"]`` decoded, then ``str()``;
- a string with commas: ``a,b``; booleans as ``True``, ``true`` or ``1``.

``parse`` accepts every one of them for the declared type and names a malformed value for
what it is. ``to_sagemaker`` and ``to_args`` are the two ends of the trip, for clients and tests.
"""

from __future__ import annotations

import ast
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import TrainingInputError, short_value

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}
KINDS = (bool, int, float, str, list)
_KIND_WORDS = {
    bool: ("true or false", "true or false"),
    int: ("a whole number", "a whole number such as 6"),
    float: ("a number", "a number such as 0.3"),
    str: ("text", "text"),
    list: ("a list of names", 'a JSON list such as ["a", "b"], or names separated by commas'),
}


@dataclass(frozen=True)
class Hyperparameter:
    """One hyperparameter a model accepts.

    ``kind`` is ``bool``, ``int``, ``float``, ``str`` or ``list`` (a list of strings);
    ``default`` is used when a job does not give it (None: the job must give it).
    ``minimum`` and ``maximum`` bound numbers, both ends included.
    """

    name: str
    kind: type
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    help: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise TypeError(f"Hyperparameter {self.name!r}: kind must be one of {KINDS}")

    def parse(self, raw: str) -> Any:
        """The value of ``raw`` (text as the entry point receives it), checked."""
        value = _PARSERS[self.kind](raw.strip() if self.kind is not str else raw)
        if value is None:
            what, example = _KIND_WORDS[self.kind]
            raise TrainingInputError(
                f"Hyperparameter {self.name!r} must be {what}, got {short_value(raw)}; "
                f"pass {example}.",
                hyperparameter=self.name,
            )
        self.check_range(value)
        return tuple(value) if self.kind is list else value

    def check_range(self, value: Any) -> None:
        """Refuse a number outside ``minimum`` and ``maximum``, naming both."""
        low, high = self.minimum, self.maximum
        if self.kind not in (int, float) or (low is None and high is None):
            return
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = " and ".join(
                text
                for text in (
                    f"at least {low:g}" if low is not None else "",
                    f"at most {high:g}" if high is not None else "",
                )
                if text
            )
            raise TrainingInputError(
                f"Hyperparameter {self.name!r} is {value:g}, but must be {bounds}; "
                "change it in the job's hyperparameters.",
                hyperparameter=self.name,
            )


def parse(declared: Sequence[Hyperparameter], argv: Sequence[str]) -> dict[str, Any]:
    """Typed values for every declared hyperparameter, from ``--name value`` pairs.

    Unknown and repeated names are refused; a missing one takes its default. Raises
    TrainingInputError with one sentence naming the hyperparameter.
    """
    by_name = {spec.name: spec for spec in declared}
    given = _pairs(argv)
    unknown = sorted(set(given) - set(by_name))
    if unknown:
        raise TrainingInputError(
            f"Unknown hyperparameter {short_value(unknown[0])}: this model accepts "
            f"{', '.join(by_name)}; remove it from the job's hyperparameters.",
            hyperparameter=unknown[0],
        )
    values = {}
    for name, spec in by_name.items():
        if name in given:
            values[name] = spec.parse(given[name])
        elif spec.default is None:
            raise TrainingInputError(
                f"Hyperparameter {name!r} is required and was not given; add it to the "
                "job's hyperparameters.",
                hyperparameter=name,
            )
        else:
            values[name] = tuple(spec.default) if spec.kind is list else spec.default
    return values


def to_sagemaker(values: Mapping[str, Any]) -> dict[str, str]:
    """Values as a client stores them for SageMaker: each one JSON-encoded, lists as a list.

    The toolkit decodes each back to its type, so what the entry point receives does not
    depend on which client sent it (``parse`` accepts every client's spelling anyway).
    """
    return {
        name: json.dumps(list(value) if isinstance(value, tuple) else value)
        for name, value in values.items()
    }


def to_args(stored: Mapping[str, str]) -> list[str]:
    """The arguments the toolkit builds from stored hyperparameters: sorted ``--name value``,
    each value JSON-decoded where it can be and then turned back into text; ``sagemaker_*``
    names are the toolkit's own and are dropped."""
    args = []
    for name in sorted(stored):
        if name.startswith("sagemaker_"):
            continue
        try:
            value = json.loads(stored[name])
        except (TypeError, ValueError):
            value = stored[name]
        args += [f"--{name}", str(value)]
    return args


def _pairs(argv: Sequence[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    args = list(argv)
    while args:
        flag = args.pop(0)
        if not flag.startswith("--") or not args:
            raise TrainingInputError(
                f"Hyperparameter arguments are malformed at {short_value(flag)}: expected "
                "'--name value' pairs; pass hyperparameters through the job, not by hand."
            )
        name = flag[2:]
        if name in values:
            raise TrainingInputError(
                f"Hyperparameter {short_value(name)} is given twice; give each hyperparameter "
                "once.",
                hyperparameter=name,
            )
        values[name] = args.pop(0)
    return values


def _parse_bool(raw: str) -> bool | None:
    lowered = raw.lower()
    return True if lowered in _TRUE else False if lowered in _FALSE else None


def _parse_int(raw: str) -> int | None:
    try:
        return int(raw)
    except ValueError:
        # "6.0" is what str() makes of a JSON 6.0; accept a float only when it is whole.
        number = _parse_float(raw)
        return int(number) if number is not None and number.is_integer() else None


def _parse_float(raw: str) -> float | None:
    try:
        number = float(raw)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _parse_list(raw: str) -> list[str] | None:
    if not raw.startswith("["):
        return [item.strip() for item in raw.split(",")] if raw else None
    # A JSON list (v3, the CLI) or Python's repr of one (str() of a decoded list, v2).
    for decode in (json.loads, ast.literal_eval):
        try:
            value = decode(raw)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            continue
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return value
    return None


_PARSERS = {bool: _parse_bool, int: _parse_int, float: _parse_float, str: str, list: _parse_list}
