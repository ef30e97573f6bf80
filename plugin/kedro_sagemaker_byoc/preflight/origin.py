"""Which configuration file a setting comes from, so that a sentence can name it.

The training node only sees resolved parameters; the hook below remembers the run's
environment and configuration folder, and ``where`` looks the key up in the raw YAML.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl

_GLOBALS_REFERENCE = re.compile(r"\$\{globals:([A-Za-z0-9_]+)")


@dataclass(frozen=True)
class ConfigOrigin:
    """The configuration folder (``conf``) and the run environment (``local``, ``sagemaker``)."""

    conf_source: Path = Path("conf")
    env: str = "local"

    def where(self, dotted_key: str) -> str:
        """``training.estimator.max_run in conf/sagemaker/parameters_data_science.yml``, or the
        globals key and file a ``${globals:...}`` value comes from."""
        path = re.sub(r"\[\d+\]", "", dotted_key).split(".")
        # Kedro replaces a top-level key of conf/base with the environment's, whole.
        files = self._files(self.env, "parameters", path[0]) or self._files(
            "base", "parameters", path[0]
        )
        # The longest part of the key that a file holds: a missing or misspelt key is
        # reported in the file that holds its parent.
        for depth in range(len(path), 0, -1):
            for file in files:
                found, value = _lookup(_load(file), path[:depth])
                if not found:
                    continue
                reference = _GLOBALS_REFERENCE.search(str(value)) if depth == len(path) else None
                if reference:
                    return f"{self.where_global(reference.group(1))} (used by {dotted_key})"
                return f"{dotted_key} in {self._show(file)}"
        return f"{dotted_key} in conf/{self.env}/parameters_data_science.yml"

    def where_global(self, key: str) -> str:
        """``bucket in conf/sagemaker/globals.yml``: the globals file that sets ``key``."""
        files = self._files(self.env, "globals", key) or self._files("base", "globals", key)
        return f"{key} in {self._show(files[0]) if files else f'conf/{self.env}/globals*.yml'}"

    def _files(self, folder: str, kind: str, top_key: str) -> list[Path]:
        found = sorted((self.conf_source / folder).glob(f"{kind}*.yml"))
        return [file for file in found if _lookup(_load(file), [top_key])[0]]

    def _show(self, file: Path) -> str:
        return f"{self.conf_source.name}/{file.relative_to(self.conf_source).as_posix()}"


def _load(file: Path) -> Any:
    """The file's YAML (read-only: it is shared), parsed once until the file changes."""
    try:
        stat = file.stat()
    except OSError:
        return {}
    return _parse(str(file), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _parse(file: str, mtime_ns: int, size: int) -> Any:
    # where() runs on the success path too, a key depth at a time, over every file.
    try:
        return yaml.safe_load(Path(file).read_text()) or {}
    except (OSError, yaml.YAMLError):
        return {}


def _lookup(document: Any, path: list[str]) -> tuple[bool, Any]:
    for part in path:
        if not isinstance(document, dict) or part not in document:
            return False, None
        document = document[part]
    return True, document


_current = ConfigOrigin()


def current() -> ConfigOrigin:
    """The origin of the running session's configuration (``conf``, ``local`` outside one)."""
    return _current


class RecordConfigOrigin:
    """Remember the session's environment and configuration folder for the pre-flight."""

    @hook_impl
    def after_context_created(self, context: KedroContext) -> None:
        global _current  # noqa: PLW0603 - one session per process; the node reads it
        conf_source = Path(context.config_loader.conf_source)
        _current = ConfigOrigin(conf_source, context.env or "local")


record_config_origin = RecordConfigOrigin()
