"""Reading and checking the training channel: ``X_train.parquet`` and ``y_train.parquet``.

Each may be one parquet file or a folder of parquet parts (as partitioned writers and
Spark write them). Training streams the channel: only the feature columns are read, a
batch at a time from one row group at a time, so memory is bounded by a row group, not
by the channel. The same checks, with the same sentences, apply to a channel on disk
(``Channel``) and to frames in memory (``validate_training_data``, which the Kedro node
runs before paying for a job).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import channel_errors
from .environment import FEATURES_FILE, TARGET_FILE
from .errors import TrainingInputError, short_list, short_value

if TYPE_CHECKING:
    import pandas as pd

BATCH_ROWS = 65_536


class Channel:
    """A training channel on disk, checked when opened and read in aligned batches."""

    def __init__(self, channel_dir: Path, features: Sequence[str]):
        if not channel_dir.is_dir():
            raise channel_errors.problem(
                "channel_missing", name=channel_dir.name, folder=channel_dir
            )
        self._X = ParquetTable(channel_dir / FEATURES_FILE)
        self._y = ParquetTable(channel_dir / TARGET_FILE)
        # No features named: every column of the features table, in its order, but not an
        # index pandas stored beside them (a split's row numbers are no feature).
        self.features = list(features) or _data_columns(self._X.schemas[0])
        check_feature_names(self.features)
        # Every part is checked for what training reads, and only for that: parts may
        # differ in other columns, and in numeric types, which all become float64.
        for schema in self._X.schemas:
            _check_columns(schema.names, self.features)
            for name in self.features:
                if not _numeric(schema.field(name).type):
                    raise channel_errors.problem(
                        "non_numeric_column", column=name, dtype=schema.field(name).type
                    )
        self.target = self._y.schemas[0].names[0] if self._y.schemas[0].names else ""
        for part, schema in zip(self._y.parts, self._y.schemas, strict=True):
            if len(schema.names) != 1:
                raise channel_errors.problem("not_one_target", columns=schema.names)
            if schema.names[0] != self.target:
                raise channel_errors.problem(
                    "parts_differ", file=TARGET_FILE, part=part.name, first=self._y.parts[0].name
                )
            if not _numeric(schema.field(self.target).type):
                raise channel_errors.problem("non_numeric_target", column=self.target)
        self.rows = self._X.rows
        if self.rows != self._y.rows:
            raise channel_errors.problem(
                "row_counts_differ", features_rows=self.rows, target_rows=self._y.rows
            )

    def batches(self, batch_rows: int = BATCH_ROWS) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """``(X, y)`` float64 arrays of up to ``batch_rows`` rows, in order, features only."""
        X_rows = (_as_float(b, self.features) for b in self._X.batches(self.features, batch_rows))
        y_rows = (_as_float(b, [self.target])[:, 0] for b in self._y.batches(None, batch_rows))
        yield from _aligned(X_rows, y_rows)

    def checked_batches(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """``batches()``, counting missing and infinite values; raise after the last batch."""
        counts = FiniteCounts(self.features, self.target)
        for X, y in self.batches():
            counts.add(X, y)
            yield X, y
        counts.raise_if_any()


class ParquetTable:
    """One table of the channel: a parquet file, or a folder of parquet parts read in order.

    Opening reads every part's footer, so a cut-off file fails before training starts.
    Names starting with ``.`` or ``_`` are not parts (Spark's ``_SUCCESS`` and ``.crc``
    files), as in pyarrow's own dataset discovery.
    """

    def __init__(self, path: Path):
        if not path.exists():
            raise channel_errors.problem("file_missing", file=path.name, folder=path.parent)
        self.name = path.name
        self.parts = _parts(path) if path.is_dir() else [path]
        try:
            footers = [pq.read_metadata(part) for part in self.parts]
            self.schemas = [footer.schema.to_arrow_schema() for footer in footers]
        except (pa.ArrowException, OSError) as exc:
            raise channel_errors.problem("unreadable", file=self.name, error=exc) from exc
        self.rows = sum(footer.num_rows for footer in footers)
        if self.rows == 0:
            raise channel_errors.problem("no_rows", file=self.name)

    def batches(self, columns: Sequence[str] | None, batch_rows: int) -> Iterator[pa.RecordBatch]:
        """The ``columns`` (all when None) of every part, ``batch_rows`` rows at a time."""
        for part in self.parts:
            with pq.ParquetFile(part) as parquet:
                # One reader per row group: a reader keeps every row group it pre-buffered
                # until it is closed, which held the whole file in memory by the end.
                for group in range(parquet.num_row_groups):
                    yield from parquet.iter_batches(
                        batch_size=batch_rows, row_groups=[group], columns=columns
                    )


class FiniteCounts:
    """Missing and infinite values per column over a stream, for one exact sentence."""

    def __init__(self, features: Sequence[str], target: str):
        self.features, self.target = list(features), target
        self.missing = np.zeros(len(self.features), dtype=np.int64)
        self.infinite = np.zeros(len(self.features), dtype=np.int64)
        self.rows = 0
        self.target_missing = [0, 0]  # count, first row
        self.target_infinite = [0, 0]

    def add(self, X: np.ndarray, y: np.ndarray) -> None:
        if np.isfinite(X).all() and np.isfinite(y).all():
            self.rows += len(y)
            return
        self.missing += np.isnan(X).sum(axis=0)
        self.infinite += np.isinf(X).sum(axis=0)
        for found, tally in (
            (np.isnan(y), self.target_missing),
            (np.isinf(y), self.target_infinite),
        ):
            if found.any():
                if not tally[0]:
                    tally[1] = self.rows + int(found.argmax())
                tally[0] += int(found.sum())
        self.rows += len(y)

    def raise_if_any(self) -> None:
        for name, missing, infinite in zip(self.features, self.missing, self.infinite, strict=True):
            if missing:
                raise channel_errors.problem("missing_values", column=name, count=int(missing))
            if infinite:
                raise channel_errors.problem("infinite_values", column=name, count=int(infinite))
        for kind, (count, first) in (
            ("target_nan", self.target_missing),
            ("target_infinite", self.target_infinite),
        ):
            if count:
                raise channel_errors.problem(kind, column=self.target, count=count, first=first)


def validate_training_data(
    X: pd.DataFrame, y: pd.DataFrame | pd.Series, features: Sequence[str]
) -> tuple[pd.DataFrame, pd.Series]:
    """The channel's checks on frames in memory; return them as float64, ready to fit."""
    import pandas as pd  # only clients with frames in memory pay for importing pandas

    features = list(features) or [str(name) for name in X.columns]
    check_feature_names(features)
    _check_columns(list(X.columns), features)
    X = X[list(features)]
    for name in X.columns:
        if not (pd.api.types.is_numeric_dtype(X[name]) or pd.api.types.is_bool_dtype(X[name])):
            raise channel_errors.problem("non_numeric_column", column=name, dtype=X[name].dtype)
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise channel_errors.problem("not_one_target", columns=list(y.columns))
        y = y.iloc[:, 0]
    if not pd.api.types.is_numeric_dtype(y):
        raise channel_errors.problem("non_numeric_target", column=y.name)
    if len(X) != len(y):
        raise channel_errors.problem("row_counts_differ", features_rows=len(X), target_rows=len(y))
    X, y = X.astype("float64"), y.astype("float64")
    counts = FiniteCounts(list(X.columns), str(y.name))
    counts.add(X.to_numpy(), y.to_numpy())
    counts.raise_if_any()
    return X, y


def check_feature_names(features: Sequence[str]) -> None:
    """Refuse feature names that cannot travel as one hyperparameter from every client."""
    if isinstance(features, str) or not features:
        raise TrainingInputError(
            f"The features must be a non-empty list of column names, got "
            f"{short_value(features)}; give one column name per item.",
            hyperparameter="features",
        )
    problems = {
        "contain a comma": [name for name in features if "," in str(name)],
        "are empty": [name for name in features if not str(name).strip()],
        "are listed twice": sorted({name for name in features if list(features).count(name) > 1}),
    }
    for problem, names in problems.items():
        if names:
            raise TrainingInputError(
                f"Feature names {short_list(names)} {problem} (the 'features' hyperparameter); "
                "list each column once, by its exact name, without commas.",
                hyperparameter="features",
            )


def _data_columns(schema: pa.Schema) -> list[str]:
    metadata = schema.pandas_metadata or {}
    index = {c for c in metadata.get("index_columns", []) if isinstance(c, str)}
    return [name for name in schema.names if name not in index]


def _check_columns(names: Sequence[object], features: Sequence[str]) -> None:
    duplicated = sorted({str(n) for n in names if list(names).count(n) > 1})
    if duplicated:
        raise channel_errors.problem("duplicated_columns", columns=duplicated)
    missing = [name for name in features if name not in names]
    if missing:
        raise channel_errors.problem("missing_feature", column=missing[0], columns=names)


def _parts(folder: Path) -> list[Path]:
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and not any(name.startswith((".", "_")) for name in path.relative_to(folder).parts)
    )


def _numeric(arrow_type: pa.DataType) -> bool:
    return (
        pa.types.is_integer(arrow_type)
        or pa.types.is_floating(arrow_type)
        or (pa.types.is_boolean(arrow_type))
    )


def _as_float(batch: pa.RecordBatch, columns: Sequence[str]) -> np.ndarray:
    """The ``columns`` of ``batch`` as one float64 array, each column copied once."""
    out = np.empty((batch.num_rows, len(columns)), order="F")  # filled column by column
    for i, name in enumerate(columns):
        out[:, i] = _numbers(batch.column(name))
    return out


def _numbers(column: pa.Array) -> np.ndarray:
    """A numeric column as numpy numbers, nulls as NaN (which FiniteCounts then reports).

    Not ``Array.to_numpy``, nor ``fill_null`` with a Python float: both import pandas, a
    third of a second at the start of every job. DLPack hands over a numeric column without
    nulls as it is.
    """
    if column.null_count == 0 and not pa.types.is_boolean(column.type):
        return np.from_dlpack(column)
    as_float = column.cast(pa.float64(), safe=False)  # booleans are bit-packed; nulls need a mask
    start, end = as_float.offset, as_float.offset + len(as_float)
    values = np.frombuffer(as_float.buffers()[1], dtype=np.float64, count=end)[start:]
    if not as_float.null_count:
        return values
    bits = np.frombuffer(as_float.buffers()[0], dtype=np.uint8)
    valid = np.unpackbits(bits, count=end, bitorder="little")[start:].astype(bool)
    return np.where(valid, values, np.nan)


def _aligned(
    X_rows: Iterator[np.ndarray], y_rows: Iterator[np.ndarray]
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Pair two streams of row blocks whose boundaries may differ (parts, row groups)."""
    X_left, y_left = np.empty((0, 0)), np.empty(0)
    while True:
        if len(X_left) == 0:
            X_left = next(X_rows, None)
        if len(y_left) == 0:
            y_left = next(y_rows, None)
        if X_left is None or y_left is None:
            return
        take = min(len(X_left), len(y_left))
        yield X_left[:take], y_left[:take]
        X_left, y_left = X_left[take:], y_left[take:]
