"""Hyperparameters: from the client to SageMaker, and from argv back.

SageMaker stores each hyperparameter as a JSON-encoded string; the toolkit decodes it
and hands it to the entry point as sorted ``--name value`` arguments (``True`` for a
JSON ``true``). ``to_sagemaker`` and ``parse_args`` are the two ends of that trip.

Every hyperparameter has a default, the spaceflights tutorial's, so a job with none
(``docker run IMAGE train`` on a bare channel, a plain ``Estimator(image_uri=...)``)
trains too. Sentences here speak of hyperparameters, the image's own words; the Kedro
side adds which setting in ``conf/`` to change.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

from .errors import TrainingInputError, short_list, short_value

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


# The spaceflights tutorial's model: kedro_project/conf/base keeps the same (a test checks).
DEFAULT_FEATURES = (
    "engines",
    "passenger_capacity",
    "crew",
    "d_check_complete",
    "moon_clearance_complete",
    "iata_approved",
    "company_rating",
    "review_scores_rating",
)


@dataclass(frozen=True)
class Hyperparameters:
    """What the entry point trains with: the feature columns and LinearRegression options."""

    features: tuple[str, ...] = DEFAULT_FEATURES
    fit_intercept: bool = True
    positive: bool = False


KNOWN = tuple(f.name for f in fields(Hyperparameters))


def to_sagemaker(features: Sequence[str], options: Mapping[str, object]) -> dict[str, str]:
    """Build the Estimator's ``hyperparameters`` from the model options in the parameters.

    Each value is JSON-encoded, as SageMaker's framework estimators do, so the toolkit
    can decode it back to its type; the generic Estimator would otherwise send ``str()``.
    """
    check_feature_names(features)
    return {
        name: json.dumps(value)
        for name, value in {"features": ",".join(features), **options}.items()
    }


def to_args(stored: Mapping[str, str]) -> list[str]:
    """The arguments the toolkit builds from stored hyperparameters: sorted ``--name value``,
    each value JSON-decoded where it can be and then turned back into text."""
    args = []
    for name in sorted(stored):
        try:
            value = json.loads(stored[name])
        except (TypeError, ValueError):
            value = stored[name]
        args += [f"--{name}", str(value)]
    return args


def parse_args(argv: Sequence[str]) -> Hyperparameters:
    """Parse ``--name value`` pairs as the toolkit passes them; reject anything unknown."""
    values: dict[str, str] = {}
    args = list(argv)
    while args:
        flag = args.pop(0)
        if not flag.startswith("--") or not args:
            raise TrainingInputError(
                f"Hyperparameter arguments are malformed at {short_value(flag)}: expected "
                "'--name value' pairs; pass hyperparameters through the Estimator, not by hand."
            )
        if flag[2:] in values:
            raise TrainingInputError(
                f"Hyperparameter {short_value(flag[2:])} is given twice; give each hyperparameter "
                "once."
            )
        values[flag[2:]] = args.pop(0)

    unknown = sorted(set(values) - set(KNOWN))
    if unknown:
        raise TrainingInputError(
            f"Unknown hyperparameter {short_value(unknown[0])}: this entry point accepts "
            f"{', '.join(KNOWN)}; remove it from the job's hyperparameters.",
            hyperparameter=unknown[0],
        )
    parsed = {
        name: _parse_features(raw) if name == "features" else _parse_bool(name, raw)
        for name, raw in values.items()
    }
    return Hyperparameters(**parsed)


def check_feature_names(features: Sequence[str]) -> None:
    """Refuse feature names that cannot travel as one comma-separated hyperparameter."""
    if isinstance(features, str) or not features:
        raise TrainingInputError(
            f"The features must be a non-empty list of column names, got "
            f"{short_value(features)}; give one column name per item.",
            hyperparameter="features",
        )
    problems = {
        "contain a comma": [name for name in features if "," in str(name)],
        "start or end with a space": [
            name for name in features if str(name) != str(name).strip() and str(name).strip()
        ],
        "are empty": [name for name in features if not str(name).strip()],
        "are listed twice": sorted({name for name in features if list(features).count(name) > 1}),
    }
    for problem, names in problems.items():
        if names:
            raise TrainingInputError(
                f"Feature names {short_list(names)} {problem} (the 'features' hyperparameter); "
                "list each column once, by its exact name, without commas or surrounding spaces.",
                hyperparameter="features",
            )


def _parse_features(raw: str) -> tuple[str, ...]:
    features = tuple(raw.split(","))
    check_feature_names(features)
    return features


def _parse_bool(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise TrainingInputError(
        f"Hyperparameter {name!r} must be true or false, got {short_value(raw)}; "
        "pass true or false.",
        hyperparameter=name,
    )
