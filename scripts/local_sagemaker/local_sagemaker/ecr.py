"""ECR's GetDownloadUrlForLayer, which moto leaves unimplemented, answered from the local
registry that holds the images' real blobs (moto's ECR holds only their manifests).

ECR answers with a presigned URL that any HTTP client can read; here the URL is the blob's
address in the local registry, which needs no credentials either.
"""

from __future__ import annotations

import urllib.error
import urllib.request

from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult
from moto.ecr.responses import ECRResponse

_registry: str | None = None


def install(registry: str) -> None:
    """Serve the blobs of ``registry`` (HOST:PORT) through GetDownloadUrlForLayer."""
    global _registry  # noqa: PLW0603 - one registry per server process, as for the jobs
    _registry = registry
    ECRResponse.get_download_url_for_layer = _get_download_url_for_layer


def _get_download_url_for_layer(self: ECRResponse) -> ActionResult:
    repository = self._get_param("repositoryName")
    digest = self._get_param("layerDigest")
    # RepositoryNotFoundException, as ECR says, for a repository it does not know.
    self.ecr_backend._get_repository(repository, self._get_param("registryId"))
    url = f"http://{_registry}/v2/{repository}/blobs/{digest}"
    try:
        request = urllib.request.Request(url, method="HEAD")
        urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 - loopback registry
    except urllib.error.HTTPError as missing:
        error = JsonRESTError(
            "LayersNotFoundException",
            f"The layer {digest} does not exist in the repository {repository} "
            f"(the local registry answered {missing.code}).",
        )
        error.code = 400
        raise error from missing
    return ActionResult({"downloadUrl": url, "layerDigest": digest})
