"""Reading and checking the training channel: ``X_train.parquet`` and ``y_train.parquet``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from .environment import FEATURES_FILE, TARGET_FILE, TRAIN_CHANNEL
from .errors import TrainingInputError, short_list, short_value
from .hyperparameters import check_feature_names


def read_channel(channel_dir: Path, features: Sequence[str]) -> tuple[pd.DataFrame, pd.Series]:
    """Load and check the features and target from a channel folder."""
    if not channel_dir.is_dir():
        raise TrainingInputError(
            f"Training channel '{TRAIN_CHANNEL}' is missing: no folder at {channel_dir}; "
            f"give the job a '{TRAIN_CHANNEL}' channel holding {FEATURES_FILE} and {TARGET_FILE}."
        )
    X = _read_parquet(channel_dir / FEATURES_FILE)
    y = _read_parquet(channel_dir / TARGET_FILE)
    return validate_training_data(X, y, features)


def validate_training_data(
    X: pd.DataFrame, y: pd.DataFrame | pd.Series, features: Sequence[str]
) -> tuple[pd.DataFrame, pd.Series]:
    """Check that features and target can train a regression; return them ready to fit."""
    check_feature_names(features)
    duplicated = sorted({str(name) for name in X.columns[X.columns.duplicated()]})
    if duplicated:
        raise TrainingInputError(
            f"{FEATURES_FILE} has the columns {short_list(duplicated)} more than once; "
            "give each column a unique name in the data processing pipeline."
        )
    missing = [name for name in features if name not in X.columns]
    if missing:
        raise TrainingInputError(
            f"{FEATURES_FILE} lacks the feature column {short_value(missing[0])} (it has "
            f"{short_list(X.columns)}); add it to the channel or drop it from the 'features' "
            "hyperparameter.",
            hyperparameter="features",
        )
    X = X[list(features)]
    for name in X.columns:
        column = X[name]
        if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)):
            # The dtype, never a value: this sentence becomes the job's FailureReason.
            raise TrainingInputError(
                f"Column {short_value(name)} in {FEATURES_FILE} holds non-numeric values (dtype "
                f"{column.dtype}); convert it to numbers in the data processing pipeline."
            )
        if column.isna().any():
            raise TrainingInputError(
                f"Column {short_value(name)} in {FEATURES_FILE} has {int(column.isna().sum())} "
                "missing values; drop or fill them before training."
            )
        infinite = int(np.isinf(column.to_numpy(dtype="float64")).sum())
        if infinite:
            raise TrainingInputError(
                f"Column {short_value(name)} in {FEATURES_FILE} has {infinite} infinite values; "
                "drop them or replace them with finite numbers before training."
            )

    target = _single_column(y)
    if not pd.api.types.is_numeric_dtype(target):
        raise TrainingInputError(
            f"The target {short_value(target.name)} in {TARGET_FILE} holds non-numeric values; "
            "convert it to numbers before training."
        )
    if target.isna().any():
        first = int(target.isna().to_numpy().argmax())
        raise TrainingInputError(
            f"The target {short_value(target.name)} in {TARGET_FILE} has "
            f"{int(target.isna().sum())} NaN values (first at row {first}); drop or fill them "
            "before training."
        )
    infinite = np.isinf(target.to_numpy(dtype="float64"))
    if infinite.any():
        raise TrainingInputError(
            f"The target {short_value(target.name)} in {TARGET_FILE} has {int(infinite.sum())} "
            f"infinite values (first at row {int(infinite.argmax())}); drop them before training."
        )
    if len(X) != len(target):
        raise TrainingInputError(
            f"{FEATURES_FILE} has {len(X)} rows but {TARGET_FILE} has {len(target)}; "
            "write both from the same split."
        )
    return X.astype("float64"), target.astype("float64")


def _read_parquet(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise TrainingInputError(
            f"Training channel '{TRAIN_CHANNEL}' has no {path.name} (looked in {path.parent}); "
            f"write {FEATURES_FILE} and {TARGET_FILE} into the channel before starting the job."
        )
    try:
        frame = pd.read_parquet(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise TrainingInputError(
            f"{path.name} in channel '{TRAIN_CHANNEL}' is not a readable parquet file ({exc}); "
            "rewrite it with pandas.DataFrame.to_parquet."
        ) from exc
    if frame.empty:
        raise TrainingInputError(
            f"{path.name} in channel '{TRAIN_CHANNEL}' has no rows; check the split that wrote it."
        )
    return frame


def _single_column(y: pd.DataFrame | pd.Series) -> pd.Series:
    if isinstance(y, pd.Series):
        return y
    if y.shape[1] != 1:
        raise TrainingInputError(
            f"{TARGET_FILE} must hold exactly one column, the target; it has "
            f"{short_list(y.columns)}."
        )
    return y.iloc[:, 0]
