"""The Kedro project in the current folder, as the plugin's commands see it."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any


def config_loader(env: str | None, conf_source: Path = Path("conf")) -> Any:
    """The project's own config loader (its settings.py) for ``env``, as ``kedro run`` makes it.

    ``env`` None means the project's default run environment.
    """
    # Importing Kedro's framework logs its logging setup: noise under a command's output.
    logging.disable(logging.INFO)
    try:
        from kedro.framework.project import settings
        from kedro.framework.startup import bootstrap_project

        bootstrap_project(Path.cwd())
    finally:
        logging.disable(logging.NOTSET)
    args = dict(settings.CONFIG_LOADER_ARGS)
    env = env or args.get("default_run_env") or "local"
    return settings.CONFIG_LOADER_CLASS(str(conf_source), env=env, **args)
