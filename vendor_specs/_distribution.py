"""The installed distribution's version: one distribution (``vendor-model-contracts``) ships ``vendor_specs``,
``mock_server`` and ``contracts``, so both commands' ``--version`` print this one."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["DISTRIBUTION", "__version__"]

DISTRIBUTION = "vendor-model-contracts"

try:
    __version__ = version(DISTRIBUTION)
except PackageNotFoundError:  # imported from a checkout that was never installed (`make install` installs it)
    __version__ = "0+unknown"
