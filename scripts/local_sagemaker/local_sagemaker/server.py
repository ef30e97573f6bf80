"""Start moto's server on 127.0.0.1 with the local SageMaker's training jobs."""

from __future__ import annotations

from dataclasses import dataclass

from moto import settings as moto_settings
from moto.server import ThreadedMotoServer

from . import account, api
from .settings import Settings


@dataclass
class LocalSageMaker:
    """A running server: ``endpoint`` is what AWS_ENDPOINT_URL should be."""

    endpoint: str
    jobs: api.Jobs
    _server: ThreadedMotoServer

    def enforce_iam(self, enabled: bool = True) -> None:
        """Turn moto's IAM checks on (every call needs a known key and a policy) or off."""
        account.enforce_iam(self.endpoint, enabled)

    def stop(self) -> None:
        """Stop every running job (SIGTERM, grace period), then the server."""
        self.jobs.stop_all()
        self._server.stop()


def start(
    settings: Settings | None = None, host: str = "127.0.0.1", port: int = 0
) -> LocalSageMaker:
    """Start the server on ``host:port`` (0: any free port) and return it."""
    # Every AWS account has AWS's managed policies (AmazonSageMakerFullAccess among them,
    # which tutorials attach to execution roles); moto creates them only when asked.
    moto_settings.default_user_config.setdefault("iam", {})["load_aws_managed_policies"] = True
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    bound_host, bound_port = server.get_host_and_port()
    endpoint = f"http://{bound_host}:{bound_port}"
    jobs = api.Jobs(settings or Settings.from_env(), endpoint)
    api.install(jobs)
    return LocalSageMaker(endpoint, jobs, server)
