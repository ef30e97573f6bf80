import io
import json
import tarfile

import pytest

from spaceflights.training.artifacts import ModelArtifactError, pack_model_dir, read_model_document


def write_archive(path, members: dict[str, bytes], symlink: str | None = None):
    with tarfile.open(path, "w:gz") as tar:
        for name, payload in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
        if symlink:
            info = tarfile.TarInfo(symlink)
            info.type = tarfile.SYMTYPE
            info.linkname = "/etc/passwd"
            tar.addfile(info)
    return path


def test_pack_then_read_round_trip(tmp_path):
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "model.json").write_text(json.dumps({"format": "x"}))

    archive = pack_model_dir(model_dir, tmp_path / "out" / "model.tar.gz")

    assert read_model_document(archive.as_uri()) == {"format": "x"}
    assert [p.name for p in archive.parent.iterdir()] == ["model.tar.gz"]


@pytest.mark.parametrize("name", ["../model.json", "/etc/model.json", "sub/../../x"])
def test_paths_that_climb_out_are_refused(tmp_path, name):
    archive = write_archive(tmp_path / "m.tar.gz", {"model.json": b"{}", name: b"x"})
    with pytest.raises(ModelArtifactError, match="unsafe entry"):
        read_model_document(str(archive))


def test_links_are_refused(tmp_path):
    archive = write_archive(tmp_path / "m.tar.gz", {"model.json": b"{}"}, symlink="evil")
    with pytest.raises(ModelArtifactError, match="unsafe entry 'evil'"):
        read_model_document(str(archive))


def test_truncated_upload_is_not_taken_for_a_model(tmp_path):
    archive = write_archive(tmp_path / "m.tar.gz", {"model.json": b"{}" * 5000})
    archive.write_bytes(archive.read_bytes()[:-40])
    with pytest.raises(ModelArtifactError, match="not a complete gzip tar archive"):
        read_model_document(str(archive))


def test_missing_model_json_and_missing_archive_are_named(tmp_path):
    archive = write_archive(tmp_path / "m.tar.gz", {"weights.bin": b"x"})
    with pytest.raises(ModelArtifactError, match="has no model.json"):
        read_model_document(str(archive))
    with pytest.raises(ModelArtifactError, match="No model artifact"):
        read_model_document(str(tmp_path / "absent.tar.gz"))


def test_a_model_json_that_unpacks_huge_is_refused(tmp_path):
    archive = write_archive(tmp_path / "m.tar.gz", {"model.json": b" " * (11 * 1024 * 1024)})
    with pytest.raises(ModelArtifactError, match="unpacks to"):
        read_model_document(str(archive))
