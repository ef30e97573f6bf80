"""A Kedro dataset for the unpacked model: its files in one folder, whole or not at all."""

from __future__ import annotations

import os
import shutil
from pathlib import Path, PurePosixPath
from typing import Any

from kedro.io import AbstractDataset, DatasetError


class ModelFilesDataset(AbstractDataset[dict[str, bytes], dict[str, bytes]]):
    """Files by relative name, saved into ``path`` through a sibling folder and a rename, so a
    crash or a stop leaves the previous model or the new one, never a mix."""

    def __init__(self, filepath: str, metadata: dict[str, Any] | None = None) -> None:
        self._path = Path(filepath)
        self.metadata = metadata

    def _load(self) -> dict[str, bytes]:
        if not self._path.is_dir():
            raise DatasetError(f"No unpacked model at {self._path}; run the training nodes first.")
        return {
            file.relative_to(self._path).as_posix(): file.read_bytes()
            for file in sorted(self._path.rglob("*"))
            if file.is_file()
        }

    def _save(self, files: dict[str, bytes]) -> None:
        partial = self._path.with_name(f".{self._path.name}.partial-{os.getpid()}")
        replaced = self._path.with_name(f".{self._path.name}.replaced-{os.getpid()}")
        shutil.rmtree(partial, ignore_errors=True)
        try:
            for name, content in files.items():
                relative = PurePosixPath(name)
                if relative.is_absolute() or ".." in relative.parts:
                    raise DatasetError(f"Refusing to write {name!r} outside {self._path}.")
                target = partial / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
            partial.mkdir(parents=True, exist_ok=True)
            if self._path.exists():
                os.replace(self._path, replaced)
            os.replace(partial, self._path)
        finally:
            shutil.rmtree(partial, ignore_errors=True)
            shutil.rmtree(replaced, ignore_errors=True)

    def _exists(self) -> bool:
        return self._path.is_dir()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._path)}
