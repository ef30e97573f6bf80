"""Kedro's OmegaConfigLoader, with ``kedro run --params`` applied once, after the
environments are merged.

Kedro 1.7 merges the runtime parameters into conf/base and, separately, into the run
environment's parameters, and then lets each top-level key of the environment replace
conf/base's whole. In an environment with its own parameter files (docker, sagemaker),
``--params model_options.hyperparameters.positive=true`` thus arrives there as a
``model_options`` holding only that key, which replaces conf/base's ``model_options``
entirely. Applied once, on top of the merged result, a dotted parameter changes its
own key and nothing else, in every environment.
"""

from __future__ import annotations

from typing import Any

from kedro.config import OmegaConfigLoader
from omegaconf import OmegaConf

PARAMETERS = "parameters"


class RuntimeParamsLastConfigLoader(OmegaConfigLoader):
    """Parameters: the configuration files merged across environments, then ``--params``.

    Values in the files that interpolate other parameters see the files' values, not
    the runtime ones; ``${runtime_params:...}`` resolves as in Kedro.
    """

    def __getitem__(self, key: str) -> dict[str, Any]:
        config = super().__getitem__(key)
        if key != PARAMETERS or not self.runtime_params or key in self.data:
            return config
        merged = OmegaConf.merge(OmegaConf.create(config), OmegaConf.create(self.runtime_params))
        return OmegaConf.to_container(merged, resolve=True)  # type: ignore[return-value]

    def _merge_and_resolve(self, key: str, config_per_file: dict) -> dict[str, Any]:
        # Kedro merges the runtime parameters into each environment here; leave them out,
        # and let __getitem__ apply them once.
        if key != PARAMETERS:
            return super()._merge_and_resolve(key, config_per_file)
        if not config_per_file:
            return {}
        merged = OmegaConf.unsafe_merge(*config_per_file.values())
        return OmegaConf.to_container(merged, resolve=True)  # type: ignore[return-value]
