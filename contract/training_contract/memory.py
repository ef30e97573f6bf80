"""What the container's memory cgroup says: its limit and how often the kernel killed for it."""

from __future__ import annotations

import re
import resource
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")
# cgroup v2 files first, then v1.
_EVENTS = (CGROUP / "memory.events", CGROUP / "memory/memory.oom_control")
_LIMITS = (CGROUP / "memory.max", CGROUP / "memory/memory.limit_in_bytes")
_NO_LIMIT = 1 << 60
# How a process killed by SIGKILL, which is what the OOM killer sends, shows up in the
# toolkit's failure text and exit codes.
KILLED_PATTERN = re.compile(r"ExitCode:? (-9|137)\b|killed by SIGKILL|OutOfMemory", re.I)


def oom_kills() -> int | None:
    """How many processes the OOM killer has killed in this cgroup, if the kernel says."""
    for path in _EVENTS:
        try:
            match = re.search(r"^oom_kill (\d+)$", path.read_text(), re.M)
        except OSError:
            continue
        if match:
            return int(match.group(1))
    return None


def limit_bytes() -> int | None:
    """The memory this container may use: its cgroup limit, else the machine's memory."""
    for path in _LIMITS:
        try:
            value = path.read_text().strip()
        except OSError:
            continue
        if value.isdigit() and int(value) < _NO_LIMIT:
            return int(value)
    try:
        match = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
    except OSError:
        return None
    return int(match.group(1)) * 1024 if match else None


def out_of_memory_reason(limit: int | None) -> str:
    """The failure sentence for a training process the kernel killed for memory."""
    within = f" (it may use {limit / 2**30:.1f} GiB)" if limit else ""
    return (
        f"Training was killed for running out of memory{within}; use an instance type "
        "with more memory, or train on less data."
    )


def peak_report() -> str:
    """The most memory a finished child (the training process) held, next to what there is.

    For sizing an instance from a job's log. ru_maxrss is per process, so it means the
    same in a container and on a laptop.
    """
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux
    limit = limit_bytes()
    of = f" of {limit / 2**30:.1f} GiB" if limit else ""
    return f"peak memory of training: {peak / 2**20:.0f} MiB{of}"
