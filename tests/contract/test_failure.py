"""The failure file holds one line of at most 1,000 characters that keeps its advice."""

from tests.contract.tiny_model import MODEL
from training_contract import trainer
from training_contract.failure import MAX_REASON, one_line, read_failure, write_failure


def test_a_long_reason_is_cut_in_the_middle_and_keeps_what_to_do():
    columns = ", ".join(f"column_{i}" for i in range(10_000))
    reason = f"X_train.parquet lacks the feature column 'x' (it has {columns}); add it or drop it."

    line = one_line(reason)

    assert len(line) <= MAX_REASON
    assert line.startswith("X_train.parquet lacks the feature column 'x'")
    assert line.endswith("; add it or drop it.")


def test_a_reason_on_several_lines_becomes_one():
    assert one_line("Framework Error:\n  Traceback\n\tValueError: bad") == (
        "Framework Error: Traceback ValueError: bad"
    )


def test_writing_a_failure_replaces_a_success_marker(tmp_path):
    (tmp_path / "success").write_text("")

    write_failure(tmp_path, "Broken; fix it.")

    assert (tmp_path / "failure").read_text() == "Broken; fix it.\n"
    assert not (tmp_path / "success").exists()


def test_reading_gives_one_line_or_nothing(tmp_path):
    assert read_failure(tmp_path) == ""
    (tmp_path / "failure").write_text("Framework Error:\n  Traceback\n")

    assert read_failure(tmp_path) == "Framework Error: Traceback"


def test_a_huge_hyperparameter_value_does_not_flood_the_failure_file(tmp_path, channel_dir):
    environ = {
        "SM_CHANNEL_TRAIN": str(channel_dir),
        "SM_MODEL_DIR": str(tmp_path / "model"),
        "SM_OUTPUT_DIR": str(tmp_path / "output"),
    }

    code = trainer.main(MODEL, ["--scale", "x" * 100_000], environ)

    assert code == trainer.BAD_INPUT
    failure = (tmp_path / "output" / "failure").read_text()
    assert len(failure.strip()) <= MAX_REASON and "\n" not in failure.strip()
    assert "'scale'" in failure
