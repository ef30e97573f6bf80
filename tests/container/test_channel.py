"""The channel on disk: one file or a folder of parts, streamed in aligned batches."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from spaceflights_training.channel import Channel
from spaceflights_training.errors import TrainingInputError
from tests.support import assert_one_sentence, make_training_frames


def write_parts(folder, frame: pd.DataFrame, rows_per_part: int) -> None:
    folder.mkdir(parents=True)
    for number, start in enumerate(range(0, len(frame), rows_per_part)):
        part = frame.iloc[start : start + rows_per_part]
        part.to_parquet(folder / f"part-{number:05d}.parquet", index=False)


def test_a_folder_of_parts_reads_like_one_file(tmp_path, features):
    X, y = make_training_frames(features, rows=1000)
    parted = tmp_path / "parted"
    write_parts(parted / "X_train.parquet", X, rows_per_part=130)
    write_parts(parted / "y_train.parquet", y, rows_per_part=77)  # other boundaries

    batches = list(Channel(parted, features).batches(batch_rows=64))

    np.testing.assert_array_equal(np.vstack([b[0] for b in batches]), X.to_numpy())
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), y["price"])


def test_only_the_feature_columns_are_read(tmp_path, features):
    X, y = make_training_frames(features, rows=50)
    X["notes"] = "free text that training never needs"
    X.to_parquet(tmp_path / "X_train.parquet")
    y.to_parquet(tmp_path / "y_train.parquet")

    [(X_batch, _)] = Channel(tmp_path, features).batches()

    assert X_batch.shape == (50, len(features))


def test_nulls_in_a_part_are_counted_over_the_whole_channel(tmp_path, features):
    X, y = make_training_frames(features, rows=300)
    X.loc[[5, 250], features[1]] = np.nan
    write_parts(tmp_path / "X_train.parquet", X, rows_per_part=100)
    y.to_parquet(tmp_path / "y_train.parquet")

    with pytest.raises(TrainingInputError) as raised:
        list(Channel(tmp_path, features).checked_batches())

    assert_one_sentence(str(raised.value), f"Column {features[1]!r}", "has 2 missing values")


def test_a_nullable_integer_column_with_nulls_is_reported_not_crashed(tmp_path, features):
    X, y = make_training_frames(features, rows=20)
    table = pa.Table.from_pandas(X, preserve_index=False)
    column = pa.array([None] + list(range(19)), type=pa.int64())
    table = table.set_column(0, features[0], column)
    pq.write_table(table, tmp_path / "X_train.parquet")
    y.to_parquet(tmp_path / "y_train.parquet")

    with pytest.raises(TrainingInputError, match="has 1 missing values"):
        list(Channel(tmp_path, features).checked_batches())
