"""model.tar.gz: packed as SageMaker packs it, read back safely whatever the model, and
checked by the model's adapter (the linear model's here) before anything is saved."""

import io
import json
import random
import tarfile

import pytest
from kedro_sagemaker_byoc.artifacts import ModelArtifactError, pack_model_dir, read_model_files
from kedro_sagemaker_byoc.model_files import ModelFilesDataset
from kedro_sagemaker_byoc.nodes import unpack_model
from kedro_sagemaker_byoc.preflight.schema import ArtifactLimits

from linear_regression.model import fit_arrays
from tests.support import REPO_ROOT, assert_one_sentence, make_training_frames

LINEAR = {"model_adapter": "linear_regression.adapter.LinearRegressionAdapter"}


@pytest.fixture
def document(features) -> dict:
    """A model.json document exactly as the linear model writes it."""
    X, y = make_training_frames(features)
    return fit_arrays(X.to_numpy(), y.iloc[:, 0].to_numpy(), features)


def model_json(document: dict, literal: str | None = None, key: str = "intercept") -> bytes:
    """``document`` as model.json, with ``literal`` written verbatim at ``key`` if given."""
    if literal is None:
        return json.dumps(document).encode()
    return json.dumps({**document, key: "<literal>"}).replace('"<literal>"', literal).encode()


def write_archive(path, members: list[tuple[str, bytes]], symlink: str | None = None):
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        for name, payload in members:
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
        if symlink:
            info = tarfile.TarInfo(symlink)
            info.type = tarfile.SYMTYPE
            info.linkname = "/etc/passwd"
            tar.addfile(info)
    return path


def refused(archive, *fragments: str, limits: ArtifactLimits | None = None) -> str:
    """Read ``archive``; it must be refused in one sentence naming it and ``fragments``."""
    with pytest.raises(ModelArtifactError) as caught:
        read_model_files(str(archive), limits)
    assert_one_sentence(str(caught.value), str(archive), *fragments)
    return str(caught.value)


def test_pack_then_read_round_trip_keeps_every_file(tmp_path, document):
    model_dir = tmp_path / "model"
    (model_dir / "extra").mkdir(parents=True)
    (model_dir / "model.json").write_bytes(model_json(document))
    (model_dir / "extra" / "notes.txt").write_bytes(b"any file a model writes")

    archive = pack_model_dir(model_dir, tmp_path / "out" / "model.tar.gz")

    files = read_model_files(archive.as_uri())
    assert files == {
        "model.json": model_json(document),
        "extra/notes.txt": b"any file a model writes",
    }
    assert [p.name for p in archive.parent.iterdir()] == ["model.tar.gz"]


@pytest.mark.parametrize("name", ["../model.json", "/etc/model.json", "sub/../../x"])
def test_paths_that_climb_out_are_refused(tmp_path, document, name):
    archive = write_archive(
        tmp_path / "m.tar.gz", [("model.json", model_json(document)), (name, b"x")]
    )
    refused(archive, "unsafe entry")


def test_links_are_refused(tmp_path, document):
    archive = write_archive(
        tmp_path / "m.tar.gz", [("model.json", model_json(document))], symlink="evil"
    )
    refused(archive, "unsafe entry 'evil'")


def test_truncated_upload_is_not_taken_for_a_model(tmp_path, document):
    archive = write_archive(tmp_path / "m.tar.gz", [("model.json", model_json(document))])
    archive.write_bytes(archive.read_bytes()[:-40])
    refused(archive, "not a complete gzip tar archive")


@pytest.mark.parametrize("second", ["model.json", "./model.json"])
def test_a_name_given_twice_is_refused(tmp_path, document, second):
    other = model_json({**document, "intercept": 0.0})
    archive = write_archive(
        tmp_path / "m.tar.gz", [("model.json", model_json(document)), (second, other)]
    )
    refused(archive, f"holds {second!r} twice")


def test_a_missing_archive_is_named(tmp_path):
    with pytest.raises(ModelArtifactError, match="No model artifact"):
        read_model_files(str(tmp_path / "absent.tar.gz"))


# The caps are settings (training.artifact_limits); small ones here show each one holds,
# and benchmarks/hostile_archive.py times a million entries and 1 GB of padding.
def test_the_entry_cap_holds(tmp_path, document):
    names = [(f"empty/{index:03d}", b"") for index in range(10)]
    archive = write_archive(tmp_path / "m.tar.gz", [("model.json", model_json(document)), *names])
    refused(archive, "more than 10 entries", limits=ArtifactLimits(max_entries=10))


def test_the_unpacked_cap_holds(tmp_path, document):
    archive = write_archive(
        tmp_path / "m.tar.gz", [("model.json", model_json(document)), ("padding", bytes(5000))]
    )
    refused(
        archive, "unpacks to more than 4096 bytes", limits=ArtifactLimits(max_unpacked_bytes=4096)
    )


def test_the_file_cap_holds(tmp_path):
    archive = write_archive(tmp_path / "m.tar.gz", [("model.json", b" " * 3000)])
    refused(archive, "'model.json'", "max_file_bytes", limits=ArtifactLimits(max_file_bytes=2048))


def test_the_packed_cap_holds(tmp_path):
    archive = write_archive(tmp_path / "m.tar.gz", [("noise", random.Random(0).randbytes(8192))])
    refused(archive, "is larger than 1024 bytes", limits=ArtifactLimits(max_archive_bytes=1024))


def test_unpack_model_lets_the_adapter_name_what_is_wrong(tmp_path, document):
    archive = write_archive(tmp_path / "m.tar.gz", [("model.json", model_json(document, "NaN"))])
    with pytest.raises(ModelArtifactError) as caught:
        unpack_model({"model_artifact": str(archive)}, LINEAR)
    assert_one_sentence(str(caught.value), str(archive), "key 'intercept'", "not a finite number")

    archive = write_archive(tmp_path / "w.tar.gz", [("weights.bin", b"x")])
    with pytest.raises(ModelArtifactError) as caught:
        unpack_model({"model_artifact": str(archive)}, LINEAR)
    assert_one_sentence(str(caught.value), str(archive), "has no model.json", "weights.bin")


def test_unpack_model_returns_the_checked_files(tmp_path, document):
    archive = write_archive(tmp_path / "m.tar.gz", [("model.json", model_json(document))])
    assert unpack_model({"model_artifact": str(archive)}, LINEAR) == {
        "model.json": model_json(document)
    }


def test_the_unpacked_model_replaces_the_folder_whole(tmp_path):
    dataset = ModelFilesDataset(filepath=str(tmp_path / "model"))
    dataset.save({"old.json": b"1", "sub/a.bin": b"2"})
    dataset.save({"new.json": b"3"})
    assert dataset.load() == {"new.json": b"3"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_the_docs_state_the_default_caps():
    page = (REPO_ROOT / "docs" / "how-it-works.md").read_text()
    limits = ArtifactLimits()
    mib = 1024 * 1024
    assert f"more than {limits.max_entries:,} entries" in page
    assert f"over {limits.max_archive_bytes // mib} MiB packed" in page
    assert f"{limits.max_unpacked_bytes // mib} MiB unpacked" in page
    assert f"a file over {limits.max_file_bytes // mib} MiB" in page
