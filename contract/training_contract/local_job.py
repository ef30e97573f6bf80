"""Running the image with ``docker run`` on this machine, as SageMaker runs it.

``scripts/train_local.sh`` is argument parsing around this command line, so the job
folder's layout, the hyperparameter encoding and the meaning of an exit all live here,
next to the contract they come from::

    python -m training_contract.local_job write --mode M --job DIR --channel DIR \
        [--hyperparameters JSON]
    ... options --mode M --job DIR --channel DIR
    ... command --mode M [--hyperparameters JSON]
    ... report --job DIR --exit-code N

``sagemaker`` mode lays out the job folder SageMaker would (File mode: the channel copied
in) and runs the toolkit's ``train``; ``direct`` mode mounts the channel as it is and runs
the entry point with ``--name value`` arguments, skipping the toolkit. ``options`` and
``command`` print NUL-separated arguments for ``docker run``. Standard library only: it
runs with the host's python3, outside any venv.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from .environment import (
    CHANNEL_ENV_PREFIX,
    CODE_DIR,
    DATA_DIR,
    ML_ROOT,
    MODEL_DIR,
    MODEL_DIR_ENV,
    OUTPUT_DIR,
    OUTPUT_DIR_ENV,
    PROGRAM,
    TOOLKIT_COMMAND,
    TRAIN_CHANNEL,
)
from .failure import read_failure
from .hyperparameters import to_args
from .job_folder import HOST, write_job_folder

KILLED = 137  # 128 + SIGKILL: how docker reports a container the kernel killed for memory


def stored_hyperparameters(text: str | None) -> dict[str, str]:
    """A JSON object of plain values, stored as SageMaker stores them: JSON-encoded strings."""
    values = json.loads(text) if text else {}
    if not isinstance(values, dict):
        raise ValueError("--hyperparameters must be a JSON object")
    return {name: json.dumps(value) for name, value in values.items()}


def write(mode: str, job: Path, channel: Path, hyperparameters: dict[str, str]) -> None:
    """Lay out ``job``: the whole SageMaker job folder, or only model/ and output/ (direct)."""
    if mode == "sagemaker":
        write_job_folder(job, hyperparameters, [TRAIN_CHANNEL])
        shutil.copytree(channel, job / DATA_DIR / TRAIN_CHANNEL)
    for folder in (MODEL_DIR, OUTPUT_DIR):
        (job / folder).mkdir(parents=True, exist_ok=True)


def docker_options(mode: str, job: Path, channel: Path) -> list[str]:
    """Mounts (one by one: a mount over /opt/ml would hide the image's code) and host name."""
    outputs = [f"--volume={job / f}:{ML_ROOT / f}" for f in (MODEL_DIR, OUTPUT_DIR)]
    if mode == "sagemaker":
        # Docker maps the host name in /etc/hosts only with a network; the toolkit would
        # otherwise wait 15 minutes for algo-1 to resolve.
        inputs = [f"--volume={job / DATA_DIR.parent}:{ML_ROOT / DATA_DIR.parent}"]
        return [f"--hostname={HOST}", f"--add-host={HOST}:127.0.0.1", *inputs, *outputs]
    channel_in_image = ML_ROOT / DATA_DIR / TRAIN_CHANNEL
    return [
        f"--volume={channel}:{channel_in_image}:ro",
        *outputs,
        f"--env={CHANNEL_ENV_PREFIX}{TRAIN_CHANNEL.upper()}={channel_in_image}",
        f"--env={MODEL_DIR_ENV}={ML_ROOT / MODEL_DIR}",
        f"--env={OUTPUT_DIR_ENV}={ML_ROOT / OUTPUT_DIR}",
    ]


def command(mode: str, hyperparameters: dict[str, str]) -> list[str]:
    """What the container runs: the toolkit's train, or the entry point with its arguments."""
    if mode == "sagemaker":
        return [TOOLKIT_COMMAND]
    return ["python", str(ML_ROOT / CODE_DIR / PROGRAM), *to_args(hyperparameters)]


def report(job: Path, exit_code: int) -> tuple[str, int]:
    """One line on how the job ended, and the exit code to end with: success needs a model."""
    model_dir = job / MODEL_DIR
    if exit_code == 0:
        written = sorted(p.name for p in model_dir.iterdir()) if model_dir.is_dir() else []
        if written:
            return f"Model: {model_dir} ({', '.join(written)})", 0
        return f"Training exited 0 but wrote no model ({model_dir} is empty).", 1
    reason = read_failure(job / OUTPUT_DIR)
    line = f"Training failed (exit {exit_code}): {reason or 'no failure sentence; see the log.'}"
    if exit_code == KILLED and "out of memory" not in reason:
        line += (
            " The container was most likely killed for running out of memory: raise "
            "--memory, or train on less data."
        )
    return line, exit_code


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training_contract.local_job")
    parser.add_argument("action", choices=["write", "options", "command", "report"])
    parser.add_argument("--mode", choices=["sagemaker", "direct"], default="sagemaker")
    parser.add_argument("--job", type=Path)
    parser.add_argument("--channel", type=Path)
    parser.add_argument("--hyperparameters")
    parser.add_argument("--exit-code", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        hyperparameters = stored_hyperparameters(args.hyperparameters)
    except ValueError:
        print(
            "train_local: --hyperparameters must be a JSON object, e.g. "
            """'{"fit_intercept": false}'.""",
            file=sys.stderr,
        )
        return 2
    if args.action == "write":
        write(args.mode, args.job, args.channel, hyperparameters)
    elif args.action in ("options", "command"):
        printed = (
            docker_options(args.mode, args.job, args.channel)
            if args.action == "options"
            else command(args.mode, hyperparameters)
        )
        sys.stdout.write("".join(f"{arg}\0" for arg in printed))
    else:
        line, code = report(args.job, args.exit_code)
        print(line, file=sys.stdout if code == 0 else sys.stderr)
        return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
