"""Which vendors exist: every ``<api>.yaml`` in the spec folders. The one list of vendors.

A vendor is four files, laid out as in this repository::

    openapi/<api>.yaml              the spec: the contract, and every vendor fact (``x-`` extensions)
    mock_server/data/<api>.yaml     the mock's fixtures (``profiles/<api>.yaml`` beside them: a harness profile)
    mock_server/vendors/<api>.py    the mock's auth, access rules and handlers (``mock_server.vendors.MockVendor``)
    contracts/vendors/<api>.py      the harness's vendor cases (``contracts.vendors.HarnessVendor``)

The packaged vendors come first. ``VENDOR_PATH`` (folders separated by ``os.pathsep``, as ``PYTHONPATH``)
adds the vendors laid out the same way under each folder; a name already found is not replaced, and a
folder that does not exist is ignored, as Python does for ``PYTHONPATH``.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from vendor_specs._errors import SpecError

__all__ = ["ENV_VAR", "apis", "roots", "spec_dir", "spec_path"]

ENV_VAR = "VENDOR_PATH"
_HERE = Path(__file__).resolve().parent


def spec_dir() -> Path:
    """The packaged specs: shipped inside the package in a wheel, the top-level ``openapi/`` in a checkout."""
    shipped = _HERE / "openapi"
    return shipped if shipped.is_dir() else _HERE.parent / "openapi"


def roots() -> tuple[Path, ...]:
    """The ``VENDOR_PATH`` folders that exist, in order."""
    found = []
    for entry in os.environ.get(ENV_VAR, "").split(os.pathsep):
        if entry.strip() and Path(entry).is_dir():
            found.append(Path(entry).resolve())
    return tuple(found)


@functools.lru_cache(maxsize=None)
def _found(extra: tuple[Path, ...]) -> dict[str, Path]:
    specs: dict[str, Path] = {}
    for folder in (spec_dir(), *(root / "openapi" for root in extra)):
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
            specs.setdefault(path.stem, path)
    return specs


def apis() -> tuple[str, ...]:
    """Every vendor's name: the packaged ones, then those under ``VENDOR_PATH``."""
    return tuple(_found(roots()))


def spec_path(api: str) -> Path:
    """The spec file of ``api``; :class:`SpecError` naming the known vendors for any other name."""
    found = _found(roots())
    if api not in found:
        raise SpecError(f"unknown API {api!r}: choose one of {', '.join(found)}")
    return found[api]
