"""The sentences a bad training channel gets: what is wrong, where, and what to do.

They become the job's FailureReason, so they name columns and counts, never data values.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .environment import FEATURES_FILE, TARGET_FILE, TRAIN_CHANNEL
from .errors import TrainingInputError, short_list, short_value


def channel_missing(channel_dir: Path) -> TrainingInputError:
    return TrainingInputError(
        f"Training channel '{TRAIN_CHANNEL}' is missing: no folder at {channel_dir}; "
        f"give the job a '{TRAIN_CHANNEL}' channel holding {FEATURES_FILE} and {TARGET_FILE}."
    )


def file_missing(path: Path) -> TrainingInputError:
    return TrainingInputError(
        f"Training channel '{TRAIN_CHANNEL}' has no {path.name} (looked in {path.parent}); "
        f"write {FEATURES_FILE} and {TARGET_FILE} into the channel before starting the job."
    )


def unreadable(path: Path, exc: Exception) -> TrainingInputError:
    return TrainingInputError(
        f"{path.name} in channel '{TRAIN_CHANNEL}' is not a readable parquet file ({exc}); "
        "rewrite it with pandas.DataFrame.to_parquet."
    )


def no_rows(name: str) -> TrainingInputError:
    return TrainingInputError(
        f"{name} in channel '{TRAIN_CHANNEL}' has no rows; check the split that wrote it."
    )


def duplicated_columns(names: Sequence[str]) -> TrainingInputError:
    return TrainingInputError(
        f"{FEATURES_FILE} has the columns {short_list(names)} more than once; "
        "give each column a unique name in the data processing pipeline."
    )


def missing_feature(name: str, columns: Sequence[object]) -> TrainingInputError:
    return TrainingInputError(
        f"{FEATURES_FILE} lacks the feature column {short_value(name)} (it has "
        f"{short_list(columns)}); add it to the channel or drop it from the 'features' "
        "hyperparameter.",
        hyperparameter="features",
    )


def non_numeric_column(name: str, dtype: object) -> TrainingInputError:
    return TrainingInputError(
        f"Column {short_value(name)} in {FEATURES_FILE} holds non-numeric values (dtype "
        f"{dtype}); convert it to numbers in the data processing pipeline."
    )


def missing_values(name: str, count: int) -> TrainingInputError:
    return TrainingInputError(
        f"Column {short_value(name)} in {FEATURES_FILE} has {count} missing values; drop or "
        "fill them before training."
    )


def infinite_values(name: str, count: int) -> TrainingInputError:
    return TrainingInputError(
        f"Column {short_value(name)} in {FEATURES_FILE} has {count} infinite values; drop them "
        "or replace them with finite numbers before training."
    )


def not_one_target(columns: Sequence[object]) -> TrainingInputError:
    return TrainingInputError(
        f"{TARGET_FILE} must hold exactly one column, the target; it has {short_list(columns)}."
    )


def non_numeric_target(name: object) -> TrainingInputError:
    return TrainingInputError(
        f"The target {short_value(name)} in {TARGET_FILE} holds non-numeric values; convert it "
        "to numbers before training."
    )


def target_nan(name: str, count: int, first: int) -> TrainingInputError:
    return TrainingInputError(
        f"The target {short_value(name)} in {TARGET_FILE} has {count} NaN values (first at row "
        f"{first}); drop or fill them before training."
    )


def target_infinite(name: str, count: int, first: int) -> TrainingInputError:
    return TrainingInputError(
        f"The target {short_value(name)} in {TARGET_FILE} has {count} infinite values (first at "
        f"row {first}); drop them before training."
    )


def row_counts_differ(features_rows: int, target_rows: int) -> TrainingInputError:
    return TrainingInputError(
        f"{FEATURES_FILE} has {features_rows} rows but {TARGET_FILE} has {target_rows}; write "
        "both from the same split."
    )
