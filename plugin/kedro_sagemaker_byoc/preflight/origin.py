"""Which configuration file a setting comes from, so that a sentence can name it.

The training node only sees resolved parameters; the hook below remembers the run's
environment and configuration folder, and ``where`` looks the key up in the raw YAML.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl

_GLOBALS_REFERENCE = re.compile(r"\$\{globals:([A-Za-z0-9_]+)")
# Where a key is looked for when the project's config loader is not at hand: Kedro's own
# patterns, and any globals*.yml (a superset of Kedro's globals.yml).
DEFAULT_PATTERNS = {
    "parameters": ("parameters*", "parameters*/**", "**/parameters*"),
    "globals": ("globals*.yml",),
}
CONFIG_SUFFIXES = (".yml", ".yaml", ".json")


@dataclass(frozen=True)
class ConfigOrigin:
    """The configuration folder (``conf``), the run environment (``local``, ``sagemaker``),
    the base environment and the file patterns of the project's config loader."""

    conf_source: Path = Path("conf")
    env: str = "local"
    base_env: str = "base"
    patterns: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: DEFAULT_PATTERNS)

    @classmethod
    def of(cls, loader: Any) -> ConfigOrigin:
        """The origin of what ``loader`` (an OmegaConfigLoader) loads."""
        own = getattr(loader, "config_patterns", {})
        patterns = {kind: tuple(own.get(kind, found)) for kind, found in DEFAULT_PATTERNS.items()}
        base_env = getattr(loader, "base_env", None) or "base"
        return cls(Path(loader.conf_source), run_env(loader), base_env, patterns)

    def where(self, dotted_key: str) -> str:
        """``training.estimator.max_run in conf/sagemaker/parameters_data_science.yml``, or the
        globals key and file a ``${globals:...}`` value comes from."""
        path = re.sub(r"\[\d+\]", "", dotted_key).split(".")
        # Kedro replaces a top-level key of conf/base with the environment's, whole.
        files = self._files(self.env, "parameters", path[0]) or self._files(
            self.base_env, "parameters", path[0]
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
        return f"{dotted_key} (in no parameters file of {self._folders()})"

    def where_global(self, key: str) -> str:
        """``bucket in conf/sagemaker/globals.yml``: the globals file that sets ``key``."""
        files = self._files(self.env, "globals", key) or self._files(self.base_env, "globals", key)
        if not files:
            return f"{key} (in no globals file of {self._folders()})"
        return f"{key} in {self._show(files[0])}"

    def _files(self, folder: str, kind: str, top_key: str) -> list[Path]:
        """The files of ``folder`` that the loader reads as ``kind`` and that set ``top_key``."""
        found: dict[Path, None] = {}
        for pattern in self.patterns.get(kind, ()):
            # Kedro's glob (fsspec's) takes a final ** for every file below; pathlib's, for
            # folders only.
            pattern = f"{pattern}/*" if pattern.endswith("**") else pattern
            for file in sorted((self.conf_source / folder).glob(pattern)):
                if file.suffix in CONFIG_SUFFIXES and file.is_file():
                    found[file] = None
        return [file for file in found if _lookup(_load(file), [top_key])[0]]

    def _folders(self) -> str:
        name = self.conf_source.name
        return f"{name}/{self.base_env} or {name}/{self.env}"

    def _show(self, file: Path) -> str:
        return f"{self.conf_source.name}/{file.relative_to(self.conf_source).as_posix()}"


def run_env(loader: Any) -> str:
    """The environment ``loader`` reads, as Kedro picks it: the one asked for, else the
    project's default run environment (``loader.env`` is None when none was asked for)."""
    return loader.env or getattr(loader, "default_run_env", None) or "local"


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
        _current = ConfigOrigin.of(context.config_loader)


record_config_origin = RecordConfigOrigin()
