"""The channel on disk: one file or a folder of parts, streamed in aligned batches."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.contract.jobs import HERE
from tests.support import assert_one_sentence, make_training_frames
from training_contract.channel import (
    Channel,
    _as_float,
    check_feature_names,
    validate_training_data,
)
from training_contract.errors import TrainingInputError


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


def test_a_spark_style_folder_reads_its_parts_and_skips_markers(tmp_path, features):
    X, y = make_training_frames(features, rows=200)
    write_parts(tmp_path / "X_train.parquet", X, rows_per_part=70)
    write_parts(tmp_path / "y_train.parquet", y, rows_per_part=200)
    for table in ("X_train.parquet", "y_train.parquet"):
        (tmp_path / table / "_SUCCESS").touch()  # what Spark leaves beside its parts
        (tmp_path / table / ".part-00000.parquet.crc").write_bytes(b"not parquet")

    channel = Channel(tmp_path, features)

    assert channel.rows == 200
    np.testing.assert_array_equal(np.vstack([b[0] for b in channel.batches()]), X.to_numpy())


def test_parts_may_store_a_feature_in_other_numeric_types(tmp_path, features):
    X, y = make_training_frames(features, rows=100)
    write_parts(tmp_path / "X_train.parquet", X, rows_per_part=50)
    X.iloc[50:].astype({features[0]: "float32", features[1]: "int16"}).to_parquet(
        tmp_path / "X_train.parquet" / "part-00001.parquet", index=False
    )
    y.to_parquet(tmp_path / "y_train.parquet", index=False)

    batches = list(Channel(tmp_path, features).batches())

    np.testing.assert_array_equal(np.vstack([b[0] for b in batches]), X.to_numpy())


def test_a_part_without_a_feature_is_one_sentence(tmp_path, features):
    X, y = make_training_frames(features, rows=100)
    write_parts(tmp_path / "X_train.parquet", X, rows_per_part=50)
    X.iloc[50:].drop(columns=features[2]).to_parquet(
        tmp_path / "X_train.parquet" / "part-00001.parquet", index=False
    )
    y.to_parquet(tmp_path / "y_train.parquet", index=False)

    with pytest.raises(TrainingInputError) as raised:
        Channel(tmp_path, features)

    assert_one_sentence(str(raised.value), f"lacks the feature column {features[2]!r}")


def test_target_parts_with_different_names_are_one_sentence(tmp_path, features):
    X, y = make_training_frames(features, rows=100)
    X.to_parquet(tmp_path / "X_train.parquet", index=False)
    write_parts(tmp_path / "y_train.parquet", y, rows_per_part=50)
    y.iloc[50:].rename(columns={"price": "cost"}).to_parquet(
        tmp_path / "y_train.parquet" / "part-00001.parquet", index=False
    )

    with pytest.raises(TrainingInputError) as raised:
        Channel(tmp_path, features)

    assert_one_sentence(str(raised.value), "part-00001.parquet differs from part-00000.parquet")


@pytest.mark.parametrize(
    ("values", "arrow_type"),
    [
        ([True, None, False, True], pa.bool_()),
        ([1, None, 3, 4], pa.int32()),
        ([1.5, 2.5, None, 4.5], pa.float64()),
        ([1, 2, 3, 4], pa.uint8()),
        ([1, None, 2**53 + 1, 4], pa.int64()),  # beyond float64's integers: rounded, as numpy does
    ],
)
def test_every_numeric_column_becomes_float64_with_nulls_as_nan(values, arrow_type):
    column = pa.array(values, type=arrow_type).slice(1)  # an offset, as batches can have
    expected = np.array([np.nan if v is None else float(v) for v in values[1:]])

    batch = pa.record_batch([column], names=["c"])

    np.testing.assert_array_equal(_as_float(batch, ["c"])[:, 0], expected)


def test_training_never_imports_pandas(channel_dir, tmp_path):
    # pyarrow's to_numpy imports pandas, a third of a second at the start of every job.
    script = (
        "import sys; sys.path.insert(0, sys.argv[3]); from tiny_model import MODEL; "
        "from training_contract import trainer; "
        "from training_contract.environment import TrainingEnvironment; "
        "env = TrainingEnvironment.from_env({'SM_CHANNEL_TRAIN': sys.argv[1], "
        "'SM_MODEL_DIR': sys.argv[2], 'SM_OUTPUT_DIR': sys.argv[2]}); "
        "trainer.train(MODEL, env, []); print(sorted(m for m in ('pandas', 'sklearn', 'scipy') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(channel_dir), str(tmp_path), str(HERE)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip

    assert (tmp_path / "tiny.json").is_file()
    assert result.stdout.splitlines()[-1] == "[]"


def test_parts_may_differ_in_nullability_and_metadata(tmp_path, features):
    X, y = make_training_frames(features, rows=100)
    write_parts(tmp_path / "X_train.parquet", X, rows_per_part=50)
    strict = pa.Table.from_pandas(X.iloc[50:], preserve_index=False)
    strict = strict.cast(pa.schema([pa.field(n, pa.float64(), nullable=False) for n in features]))
    pq.write_table(
        strict.replace_schema_metadata(None), tmp_path / "X_train.parquet" / "part-00001.parquet"
    )
    y.to_parquet(tmp_path / "y_train.parquet", index=False)

    batches = list(Channel(tmp_path, features).batches())

    np.testing.assert_array_equal(np.vstack([b[0] for b in batches]), X.to_numpy())


def test_no_features_named_reads_every_column_in_its_order(tmp_path, features):
    X, y = make_training_frames(features, rows=30)
    X = X[list(reversed(features))]
    X.to_parquet(tmp_path / "X_train.parquet", index=False)
    y.to_parquet(tmp_path / "y_train.parquet", index=False)

    channel = Channel(tmp_path, [])
    [(X_batch, _)] = channel.batches()

    assert channel.features == list(reversed(features))
    np.testing.assert_array_equal(X_batch, X.to_numpy())


@pytest.mark.parametrize(
    ("names", "fragments"),
    [
        ("width", ["must be a non-empty list of column names", "'width'"]),
        (["wi,dth", "height"], ["'wi,dth'", "contain a comma"]),
        (["width", " "], ["' '", "are empty"]),
        (["width", "height", "width"], ["'width'", "are listed twice"]),
    ],
    ids=["a string", "a comma", "an empty name", "twice"],
)
def test_feature_names_that_cannot_travel_as_a_hyperparameter_are_one_sentence(names, fragments):
    with pytest.raises(TrainingInputError) as raised:
        check_feature_names(names)

    assert raised.value.hyperparameter == "features"
    assert_one_sentence(str(raised.value), *fragments)


def test_frames_in_memory_get_the_channels_sentence(tmp_path, features):
    X, y = make_training_frames(features, rows=40)
    X.drop(columns=features[1]).to_parquet(tmp_path / "X_train.parquet", index=False)
    y.to_parquet(tmp_path / "y_train.parquet", index=False)

    with pytest.raises(TrainingInputError) as on_disk:
        Channel(tmp_path, features)
    with pytest.raises(TrainingInputError) as in_memory:
        validate_training_data(X.drop(columns=features[1]), y, features)

    assert str(in_memory.value) == str(on_disk.value)
    assert_one_sentence(str(in_memory.value), f"lacks the feature column {features[1]!r}")
    assert in_memory.value.hyperparameter == "features"


def test_frames_in_memory_come_back_as_float64_features_in_order(features):
    X, y = make_training_frames(features, rows=10)
    X[features[0]] = X[features[0]].astype("int64")

    checked_X, checked_y = validate_training_data(X, y, features[::-1])

    assert list(checked_X.columns) == features[::-1]
    assert set(checked_X.dtypes) == {np.dtype("float64")}
    np.testing.assert_array_equal(checked_y.to_numpy(), y["price"].to_numpy())


def test_no_features_named_leaves_out_the_index_pandas_stored(tmp_path, features):
    X, y = make_training_frames(features, rows=30)
    shuffled = X.sample(frac=1.0, random_state=0)  # a split's rows: no longer a RangeIndex
    shuffled.to_parquet(tmp_path / "X_train.parquet")  # pandas' default stores that index
    y.loc[shuffled.index].to_parquet(tmp_path / "y_train.parquet", index=False)

    assert Channel(tmp_path, []).features == features
