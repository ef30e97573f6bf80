"""Read-only AWS calls for the pre-flight: a denied call becomes a warning naming the
permission, never a failure; any other error is handed back for the check to judge."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from .findings import Findings

DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Forbidden"}


class AwsCalls:
    """One boto3 session and the findings that its refusals are reported to."""

    def __init__(self, findings: Findings, session: boto3.Session | None = None):
        self.session = session or boto3.Session()
        self.findings = findings
        self.region = self.session.region_name
        self._clients: dict[str, Any] = {}
        self.unreachable = False

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(service)
        return self._clients[service]

    def call(self, service: str, operation: str, **kwargs: Any) -> tuple[dict | None, str | None]:
        """``(response, None)``, ``(None, error code)``, or ``(None, None)`` when the call
        was denied or AWS could not be reached (both already reported)."""
        permission = f"{service}:{_action(operation)}"
        if self.unreachable:
            return None, None
        try:
            return getattr(self.client(service), operation)(**kwargs), None
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in DENIED:
                self.findings.warn(
                    f"Skipped a check: the caller lacks {permission}; grant it (read-only) to "
                    "have this checked before a job starts."
                )
                return None, None
            return None, code
        except BotoCoreError as error:
            self.unreachable = True
            self.findings.fail(
                f"Cannot reach AWS for the pre-flight ({error}); set up credentials and a "
                "region, or run the local environment instead."
            )
            return None, None


def _action(operation: str) -> str:
    return "".join(part.capitalize() for part in operation.split("_"))
