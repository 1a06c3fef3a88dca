"""The docker SDK's client, verifying a TLS engine with the certificate authority the user
gave it (DOCKER_CERT_PATH's ca.pem). requests lets REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE,
when set (as on many machines behind a proxy), replace the authority a session verifies
with, so the SDK checked the engine against the wrong ones (docker/docker-py#2433).
Imported only when a client is made: it imports docker."""

from __future__ import annotations

from typing import Any

import docker  # type: ignore[import-untyped,unused-ignore]
from docker.api.client import APIClient  # type: ignore[import-untyped,unused-ignore]


class _EngineAPI(APIClient):  # type: ignore[misc]
    def merge_environment_settings(self, url: Any, proxies: Any, stream: Any, verify: Any,
                                   cert: Any) -> dict[str, Any]:
        settings: dict[str, Any] = super().merge_environment_settings(url, proxies, stream,
                                                                      verify, cert)
        if isinstance(self.verify, str) and verify is None:  # the engine's own authority
            settings["verify"] = self.verify
        return settings


class EngineClient(docker.DockerClient):  # type: ignore[misc]
    """docker.DockerClient; `EngineClient.from_env(...)` as `docker.from_env(...)`."""

    def __init__(self, **kwargs: Any) -> None:
        self.api = _EngineAPI(**kwargs)
