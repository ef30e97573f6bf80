"""``python -m local_sagemaker [--port N]``: serve until Ctrl-C; print the endpoint first."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .server import start
from .settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m local_sagemaker",
        description="moto's server on 127.0.0.1, whose SageMaker training jobs run in Docker.",
        epilog="Settings: LOCAL_SAGEMAKER_REGISTRY (default 127.0.0.1:5000), "
        "LOCAL_SAGEMAKER_STOP_GRACE_SECONDS (default 120), LOCAL_SAGEMAKER_WORK_DIR.",
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    parser.add_argument(
        "--endpoint-file", help="also write the endpoint URL to this file once it is up"
    )
    args = parser.parse_args(argv)
    # Handlers before the endpoint is announced: a client may stop the server at once.
    done = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: done.set())
    server = start(Settings.from_env(), port=args.port)
    print(server.endpoint, flush=True)
    if args.endpoint_file:
        with open(args.endpoint_file, "w", encoding="utf-8") as handle:
            handle.write(server.endpoint + "\n")
    done.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
