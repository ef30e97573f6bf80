"""The failure file: the one sentence SageMaker shows as a job's ``FailureReason``.

SageMaker keeps the first 1,024 characters of ``output/failure``. A reason longer than
that would lose its end, which is where our sentences say what to do, so a long reason
is shortened in the middle and always keeps its last clause.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .environment import FAILURE_FILE, SUCCESS_FILE

MAX_REASON = 1000
_TAIL = 300
_ELLIPSIS = " [...] "


def one_line(text: str, limit: int = MAX_REASON) -> str:
    """``text`` on one line, at most ``limit`` characters, its last clause kept whole."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    # The advice follows the last "; " in our sentences; keep it if it is short enough.
    split = line.rfind("; ")
    tail = line[split:] if 0 <= split and len(line) - split <= _TAIL else line[-_TAIL:]
    return line[: limit - len(tail) - len(_ELLIPSIS)] + _ELLIPSIS + tail


def write_failure(output_dir: Path, reason: str) -> str:
    """Write ``reason`` as the job's failure file (replacing any) and drop a success marker."""
    line = one_line(reason)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        (output_dir / FAILURE_FILE).write_text(line + "\n")
        (output_dir / SUCCESS_FILE).unlink(missing_ok=True)
    except OSError as exc:
        # The exit code still tells the truth; the sentence goes to the log instead.
        print(f"Cannot write {output_dir / FAILURE_FILE} ({exc}): {line}", file=sys.stderr)
    return line


def read_failure(output_dir: Path) -> str:
    """The failure file's text on one line, or "" when there is none."""
    path = output_dir / FAILURE_FILE
    return one_line(path.read_text(errors="replace")) if path.is_file() else ""
