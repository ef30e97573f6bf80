"""IAM's decision for one request, read offline from policy documents, for when AWS's own
evaluation (``iam:SimulatePrincipalPolicy``) is not available to the caller.

Within one account: an explicit Deny wins, else some Allow must apply. Action and
NotAction, Resource and NotResource, and a resource policy's Principal are matched. A
condition counts only where the pre-flight knows the value the job's request carries (or
knows the key is absent, as ``s3:ExistingObjectTag/*`` is for the objects the node
uploads); a statement whose condition it cannot know makes the decision unknown, never
allowed. Permission boundaries and service control policies are not seen.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

VARIABLE = re.compile(r"\$\{([^}]+)\}")
# The operators whose values the pre-flight can compare, and how; "Not" negates one.
COMPARISONS = {
    operator: how
    for how, operators in (
        ("exact", ("StringEquals", "StringNotEquals")),
        ("caseless", ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "Bool")),
        ("pattern", ("StringLike", "StringNotLike", "ArnEquals", "ArnLike")),
        ("pattern", ("ArnNotEquals", "ArnNotLike")),
    )
    for operator in operators
}


@dataclass(frozen=True)
class Request:
    """What the job will ask, as whom, and what the pre-flight knows of its context."""

    action: str
    resource: str
    what: str  # what the job is doing, for the sentence
    principal: str  # the role's ARN
    context: Mapping[str, str]  # condition keys and the values the job's request carries
    absent: tuple[str, ...] = ()  # lower-case key prefixes the job's request does not carry


@dataclass(frozen=True)
class Verdict:
    """``allowed`` is None when it hinges on ``conditions`` the pre-flight cannot evaluate;
    with False, ``conditions`` are those of the grants that did not hold, and ``explicit``
    says a Deny held."""

    allowed: bool | None
    conditions: tuple[str, ...] = ()
    explicit: bool = False


def evaluate(
    identity: Iterable[dict], request: Request, resource_policies: Iterable[dict] = ()
) -> Verdict:
    """The decision for ``request`` under the role's own policies and the resource's."""
    judged = _judged(identity, request) + _judged(resource_policies, request, resource=True)
    if any(effect == "Deny" and held is True for effect, held, _ in judged):
        return Verdict(False, explicit=True)
    unsure_denies = _texts(judged, "Deny", None)
    if any(effect == "Allow" and held is True for effect, held, _ in judged):
        return Verdict(None, unsure_denies) if unsure_denies else Verdict(True)
    unsure_allows = _texts(judged, "Allow", None)
    if unsure_allows:
        return Verdict(None, unsure_allows + unsure_denies)
    return Verdict(False, _texts(judged, "Allow", False))


def resource_policy_effect(request: Request, policies: Iterable[dict]) -> Verdict | None:
    """What a resource policy alone does to ``request``: a Deny that holds (False) or may
    hold (None), else an Allow of the role that holds (True); None when it says nothing."""
    judged = _judged(policies, request, resource=True)
    if any(effect == "Deny" and held is True for effect, held, _ in judged):
        return Verdict(False, explicit=True)
    if unsure := _texts(judged, "Deny", None):
        return Verdict(None, unsure)
    if any(effect == "Allow" and held is True for effect, held, _ in judged):
        return Verdict(True)
    return None


def _judged(
    documents: Iterable[dict], request: Request, resource: bool = False
) -> list[tuple[str, bool | None, list[str]]]:
    """Each statement that applies: its effect, whether its condition holds, and its text."""
    return [
        (statement.get("Effect", ""), *_condition(statement.get("Condition"), request))
        for statement in _statements(documents)
        if _applies(statement, request)
        and (not resource or _names_principal(statement, request.principal))
    ]


def _texts(judged: list, effect: str, held: bool | None) -> tuple[str, ...]:
    return tuple(t for e, h, texts in judged if e == effect and h is held for t in texts)


def _statements(documents: Iterable[dict]) -> list[dict]:
    return [s for document in documents for s in _listed(document.get("Statement"))]


def _applies(statement: dict, request: Request) -> bool:
    if "NotAction" in statement:
        action = not _matches(statement["NotAction"], request.action, case=False)
    else:
        action = _matches(statement.get("Action"), request.action, case=False)
    if "NotResource" in statement:
        resource = not _matches(statement["NotResource"], request.resource, case=True)
    else:
        resource = _matches(statement.get("Resource"), request.resource, case=True)
    return action and resource


def _names_principal(statement: dict, role: str) -> bool:
    """Whether a resource policy's statement is about the role (by ARN, account or ``*``)."""
    account = role.split(":")[4]
    ours = {"*", role, account, f"arn:aws:iam::{account}:root"}
    if "NotPrincipal" in statement:
        listed = _principals(statement["NotPrincipal"])
        return not ours & listed
    return bool(ours & _principals(statement.get("Principal")))


def _principals(principal: Any) -> set[str]:
    if principal == "*":
        return {"*"}
    if isinstance(principal, dict):
        return set(_listed(principal.get("AWS")))
    return set()


def _condition(block: Any, request: Request) -> tuple[bool | None, list[str]]:
    """Whether every condition holds for the job's request (None: not known), and each
    condition as text, for the sentence."""
    results, texts = [], []
    for operator, tests in (block or {}).items():
        for key, expected in tests.items():
            texts.append(f"{key} {operator} {', '.join(map(str, _listed(expected)))}")
            results.append(_test(operator, key.lower(), _listed(expected), request))
    if False in results:
        return False, texts
    return (None if None in results else True), texts


def _test(operator: str, key: str, expected: list, request: Request) -> bool | None:
    qualifier, _, base = operator.rpartition(":")
    if_exists = base.endswith("IfExists")
    base = base.removesuffix("IfExists")
    context = {name.lower(): value for name, value in request.context.items()}
    if key not in context:
        if not any(key.startswith(prefix) for prefix in request.absent):
            return None
        # An absent key: Null says so, IfExists and ForAllValues pass, negations hold.
        if base == "Null":
            return str(expected[0]).lower() == "true"
        return if_exists or qualifier == "ForAllValues" or "Not" in base
    if base == "Null":
        return str(expected[0]).lower() == "false"
    if base not in COMPARISONS:
        return None  # numbers, dates, addresses: not values the pre-flight knows
    values = [_substitute(str(v), context) for v in expected]
    if None in values:
        return None
    how, negated = COMPARISONS[base], "Not" in base
    actual = context[key]
    if how == "exact":
        found = actual in values
    elif how == "caseless":
        found = actual.lower() in {v.lower() for v in values}
    else:
        found = any(fnmatch.fnmatchcase(actual, v) for v in values)
    return found != negated


def _substitute(value: str, context: Mapping[str, str]) -> str | None:
    """A policy variable such as ``${aws:PrincipalAccount}`` replaced from the context."""
    missing = [name for name in VARIABLE.findall(value) if name.lower() not in context]
    if missing:
        return None
    return VARIABLE.sub(lambda m: context[m.group(1).lower()], value)


def _matches(patterns: Any, value: str, case: bool) -> bool:
    for pattern in _listed(patterns):
        if pattern == "*" or (
            fnmatch.fnmatchcase(value, pattern)
            if case
            else fnmatch.fnmatchcase(value.lower(), str(pattern).lower())
        ):
            return True
    return False


def _listed(value: Any) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]
