"""A job's status as DescribeTrainingJob reports it, kept on moto's job object."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

MESSAGES = {
    "Starting": "Launching requested ML instances",
    "Downloading": "Downloading the training image and input data",
    "Training": "Training image download completed. Training in progress.",
    "Uploading": "Uploading generated training model",
    "Stopping": "Stopping the training job",
    "Stopped": "Training job stopped",
    "MaxRuntimeExceeded": "Training job stopped: MaxRuntimeInSeconds was exceeded",
    "Completed": "Training job completed",
    "Failed": "Training job failed",
}


class JobStatus:
    """Moves one FakeTrainingJob through SageMaker's statuses and secondary statuses."""

    def __init__(self, job: Any) -> None:
        self._job = job
        self._lock = threading.Lock()
        now = datetime.now(UTC)
        job.training_job_status = "InProgress"
        job.secondary_status = "Starting"
        job.creation_time = job.last_modified_time = now
        job.training_start_time = job.training_end_time = None
        job.final_metric_data_list = []
        job.secondary_status_transitions = [_transition("Starting", now)]
        job.failure_reason = None

    @property
    def status(self) -> str:
        return self._job.training_job_status

    def secondary(self, secondary: str, status: str | None = None) -> None:
        """Enter ``secondary`` (and ``status``), closing the transition before it."""
        with self._lock:
            now = datetime.now(UTC)
            transitions = self._job.secondary_status_transitions
            transitions[-1]["EndTime"] = now
            transitions.append(_transition(secondary, now))
            self._job.secondary_status = secondary
            if status:
                self._job.training_job_status = status
            self._job.last_modified_time = now

    def started(self) -> None:
        self._job.training_start_time = datetime.now(UTC)

    def end(self, status: str, secondary: str, reason: str | None = None) -> None:
        """The final status; billing ends here, as it does on SageMaker."""
        end = datetime.now(UTC)
        start = self._job.training_start_time or end
        seconds = max(int((end - start).total_seconds()), 1)
        self._job.training_end_time = end
        self._job.training_time_in_seconds = seconds
        self._job.billable_time_in_seconds = seconds
        self._job.failure_reason = reason
        self.secondary(secondary, status)
        self._job.secondary_status_transitions[-1]["EndTime"] = end

    def metric(self, name: str, value: float) -> None:
        """Record the last value of ``name``, as FinalMetricDataList holds it."""
        metrics = [m for m in self._job.final_metric_data_list if m["MetricName"] != name]
        metrics.append({"MetricName": name, "Value": value, "Timestamp": datetime.now(UTC)})
        self._job.final_metric_data_list = metrics


def _transition(status: str, start: datetime) -> dict[str, Any]:
    return {"Status": status, "StartTime": start, "StatusMessage": MESSAGES.get(status, status)}
