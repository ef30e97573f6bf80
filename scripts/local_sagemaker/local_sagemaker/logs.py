"""The container's output as CloudWatch Logs events, where SageMaker puts them.

Group ``/aws/sagemaker/TrainingJobs``, stream ``<job>/algo-1-<epoch seconds>``: the SDK
finds the stream by the ``<job>/`` prefix and streams it while the job runs.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Any

from botocore.exceptions import ClientError

LOG_GROUP = "/aws/sagemaker/TrainingJobs"
FLUSH_SECONDS = 1.0


class JobLog:
    """Collects lines and sends them in batches from a thread of its own."""

    def __init__(self, logs_client: Any, job_name: str, host: str) -> None:
        self.stream = f"{job_name}/{host}-{int(time.time())}"
        self._client = logs_client
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._ensure_stream()
        self._thread = threading.Thread(target=self._send_batches, daemon=True)
        self._thread.start()

    def write(self, line: str) -> None:
        text = line.rstrip("\n")
        if text.strip():  # CloudWatch refuses empty messages
            self._lines.put(text)

    def close(self) -> None:
        """Send what is left and stop."""
        self._lines.put(None)
        self._thread.join()

    def _ensure_stream(self) -> None:
        try:
            self._client.create_log_group(logGroupName=LOG_GROUP)
        except self._client.exceptions.ResourceAlreadyExistsException:
            pass
        self._client.create_log_stream(logGroupName=LOG_GROUP, logStreamName=self.stream)

    def _send_batches(self) -> None:
        done = False
        while not done:
            batch: list[dict[str, Any]] = []
            deadline = time.monotonic() + FLUSH_SECONDS
            while time.monotonic() < deadline:
                try:
                    line = self._lines.get(timeout=max(deadline - time.monotonic(), 0.01))
                except queue.Empty:
                    continue
                if line is None:
                    done = True
                    break
                batch.append({"timestamp": int(time.time() * 1000), "message": line})
            if batch:
                self._put(batch)

    def _put(self, batch: list[dict[str, Any]]) -> None:
        try:
            self._client.put_log_events(
                logGroupName=LOG_GROUP, logStreamName=self.stream, logEvents=batch
            )
        except ClientError as error:
            # On AWS a role that may not write logs still trains; the lines are lost.
            print(f"local-sagemaker: cannot write {self.stream}: {error}", flush=True)
