"""The estimator class can be imported, and the configured arguments fit its constructor."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from training_contract.errors import short_list

from ..jobs import import_dotted
from .findings import Findings
from .origin import ConfigOrigin

# Arguments the training node adds itself, so the configuration need not give them.
NODE_ARGUMENTS = frozenset({"hyperparameters"})


def check_class_spec(
    spec: Mapping[str, Any],
    key: str,
    origin: ConfigOrigin,
    findings: Findings,
    supplied: frozenset[str] = frozenset(),
) -> None:
    """Check ``{"class": ..., **arguments}`` at ``key`` and every nested class spec in it."""
    path = spec.get("class")
    cls = _import(path, key, origin, findings)
    for name, value in spec.items():
        if isinstance(value, Mapping) and "class" in value:
            check_class_spec(value, f"{key}.{name}", origin, findings)
    if cls is None:
        return
    given = {name for name, value in spec.items() if name != "class" and value is not None}
    accepted, required = _parameters(cls)
    unknown = sorted(given - accepted)
    if unknown:
        findings.fail(
            f"{origin.where(f'{key}.{unknown[0]}')} is not an argument of {path} "
            f"(unknown: {short_list(unknown)}); remove it or fix its spelling."
        )
    missing = sorted(required - given - supplied)
    if missing:
        findings.fail(
            f"{origin.where(f'{key}.{missing[0]}')} is missing, and {path} requires "
            f"{short_list(missing)}; add it under {key}."
        )


def _import(path: Any, key: str, origin: ConfigOrigin, findings: Findings) -> type | None:
    try:
        found = import_dotted(str(path))
    except (ImportError, AttributeError, ValueError) as exc:
        findings.fail(
            f"{origin.where(f'{key}.class')} names {path!r}, which cannot be imported "
            f"({type(exc).__name__}: {exc}); give the full import path of an installed class."
        )
        return None
    if not inspect.isclass(found):
        findings.fail(f"{origin.where(f'{key}.class')} names {path!r}, which is not a class.")
        return None
    return found


def _parameters(cls: type) -> tuple[set[str], set[str]]:
    """Names the constructor accepts (its own and, through ``**kwargs``, its bases'), and the
    names it requires."""
    accepted: set[str] = set()
    required: set[str] = set()
    constructors = [k for k in cls.__mro__ if k is not object and "__init__" in vars(k)]
    for position, klass in enumerate(constructors):
        parameters = list(inspect.signature(klass.__init__).parameters.values())[1:]
        named = [p for p in parameters if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        accepted |= {p.name for p in named}
        if position == 0:  # the class's own constructor says what it cannot do without
            required = {p.name for p in named if p.default is p.empty}
        if not any(p.kind is p.VAR_KEYWORD for p in parameters):
            break
    return accepted, required
