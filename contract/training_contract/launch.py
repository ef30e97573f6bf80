"""Before ``train`` starts: a job folder, a reachable entry point and hosts that resolve.

SageMaker lays all three out, but people run the image in other ways, and the toolkit
meets each gap badly: with no job folder it reports success without training, with a
mount over all of /opt/ml it fails with an empty ``ExecuteUserScriptError``, and with a
host name that does not resolve it waits up to 15 minutes without a word. So the
supervisor asks ``prepare`` first, which either returns the command to run or raises
``LaunchError`` with the one sentence saying what to mount or set.
"""

from __future__ import annotations

import json
import socket
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .environment import (
    CALLER_PATHS_ENV,
    CODE_DIR,
    CONFIG_DIR,
    HYPERPARAMETERS_FILE,
    ML_ROOT,
    PROGRAM,
    PROGRAM_ENV,
    PROGRAM_HOME_ENV,
    RESOURCE_CONFIG,
    TRAIN_CHANNEL,
    TrainingEnvironment,
    caller_paths,
    job_root,
)
from .hyperparameters import to_args
from .job_folder import write_job_folder

LOCAL_HOST = "localhost"
# A many-host job waits this long for its peers' names to resolve, then fails saying so.
HOST_WAIT_SECONDS = 300.0
PROGRESS_EVERY = 30.0
# The toolkit's switch for skipping its own wait on host names (one host needs no peers).
SKIP_HOST_WAIT_ENV = "SM_STUDIO_LOCAL_MODE"


class LaunchError(Exception):
    """The job cannot start; the message is the sentence for the failure file."""


@dataclass(frozen=True)
class Launch:
    """What to run, with which environment."""

    command: list[str]
    env: dict[str, str]


def prepare(argv: Sequence[str], environ: Mapping[str, str], log=print) -> Launch:
    """The command and environment for this job, or LaunchError naming what is missing."""
    env = dict(environ)
    caller = caller_paths(environ)
    if caller:
        env[CALLER_PATHS_ENV] = json.dumps(caller)
    root = job_root(environ)
    training = TrainingEnvironment.from_env(environ)
    config_dir = root / CONFIG_DIR
    if not config_dir.is_dir():
        if not training.channel_dir(TRAIN_CHANNEL).is_dir():
            raise LaunchError(
                f"No SageMaker job folder and no training channel: {config_dir} and "
                f"{training.channel_dir(TRAIN_CHANNEL)} do not exist; mount the job's input/ "
                f"(or at least its '{TRAIN_CHANNEL}' channel), model/ and output/ under "
                f"{ML_ROOT}, or set SM_CHANNEL_{TRAIN_CHANNEL.upper()} and SM_MODEL_DIR to "
                "mounted folders."
            )
        # Only a channel was given, as people test an image by hand: lay out the rest as
        # SageMaker would, for one host named localhost, which resolves network or none.
        log(f"No {config_dir}: writing a one-host job configuration with default hyperparameters")
        write_job_folder(root, {}, [TRAIN_CHANNEL], host=LOCAL_HOST)
    hosts, current = _hosts(config_dir)
    if hosts == [current]:
        env[SKIP_HOST_WAIT_ENV] = "true"
    else:
        _wait_for_hosts(hosts, log)
        env[SKIP_HOST_WAIT_ENV] = "true"  # resolved now: the toolkit need not wait again
    program = environ.get(PROGRAM_ENV, PROGRAM)
    if (root / CODE_DIR / program).is_file():
        return Launch(list(argv), env)
    return Launch(_program_run_directly(root, program, environ, log), env)


def _hosts(config_dir: Path) -> tuple[list[str], str]:
    path = config_dir / RESOURCE_CONFIG
    try:
        config = json.loads(path.read_text())
        hosts, current = [str(h) for h in config["hosts"]], str(config["current_host"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LaunchError(
            f"{path} is missing or malformed ({type(exc).__name__}: {exc}); it must be a JSON "
            'object with "current_host" and "hosts", e.g. {"current_host": "algo-1", '
            '"hosts": ["algo-1"]}.'
        ) from exc
    return hosts, current


def _wait_for_hosts(hosts: list[str], log, deadline: float = HOST_WAIT_SECONDS) -> None:
    start = last_said = time.monotonic()
    waiting = list(hosts)
    while waiting:
        waiting = [host for host in waiting if not _resolves(host)]
        now = time.monotonic()
        if waiting and now - start > deadline:
            raise LaunchError(
                f"The job's hosts {', '.join(waiting)} did not resolve within {deadline:.0f} s; "
                "give each container its host name (docker run --hostname) and a network "
                "that resolves the others, or train on one host."
            )
        if waiting and now - last_said > PROGRESS_EVERY:
            log(f"Waiting for host names to resolve: {', '.join(waiting)}")
            last_said = now
        if waiting:
            time.sleep(1.0)


def _resolves(host: str) -> bool:
    try:
        socket.gethostbyname(host)
    except OSError:
        return False
    return True


def _program_run_directly(root: Path, program: str, environ: Mapping[str, str], log) -> list[str]:
    """The entry point run without the toolkit, from the image's own copy.

    A mount over all of /opt/ml (as AWS's sample test does) hides the image's code in
    /opt/ml/code. The toolkit reads its code from there only, so run the entry point
    itself, with the arguments the toolkit would have built.
    """
    home = environ.get(PROGRAM_HOME_ENV)
    copy = Path(home) / program if home else None
    code = root / CODE_DIR / program
    if copy is None or not copy.is_file():
        raise LaunchError(
            f"No entry point at {code}: a mount over {ML_ROOT} hides the image's code; mount "
            f"the job's input/, model/ and output/ under {ML_ROOT} one by one instead."
        )
    stored_path = root / CONFIG_DIR / HYPERPARAMETERS_FILE
    try:
        stored = json.loads(stored_path.read_text()) if stored_path.is_file() else {}
        if not isinstance(stored, dict):
            raise ValueError("not a JSON object")
    except ValueError as exc:
        raise LaunchError(
            f"{stored_path} is not a JSON object of hyperparameters ({exc}); write it as "
            '{"name": "value", ...}.'
        ) from exc
    log(f"{code} is hidden (a mount over {ML_ROOT}?): running the image's own {copy} directly")
    as_text = {k: v if isinstance(v, str) else json.dumps(v) for k, v in stored.items()}
    return [sys.executable, str(copy), *to_args(as_text)]
