"""Profiles chosen by name instead of path: ``--profile mock`` is the profile of the mock-server's fixtures.

The mock ships one harness profile per vendor beside its built-in fixtures (``mock_server/data/profiles/<api>.yaml``,
and ``<folder>/mock_server/data/profiles/<api>.yaml`` for a vendor under ``VENDOR_PATH``, the layout
``vendor_specs`` documents). A name therefore resolves together with the API under test. The harness reads
that file as data, wherever the package is installed; it never imports ``mock_server``.

A bare word (letters, digits, ``-``, ``_``: no path separator, no suffix) is a name; anything else is a path,
so a file called ``mock`` in the working directory is ``./mock``.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import vendor_specs
from contracts.errors import ProfileError

__all__ = ["NAMED_PROFILES", "is_profile_name", "named_profile_path"]

#: every profile name, with what it describes (``contracts check --help`` and the README list them)
NAMED_PROFILES = {
    "mock": "the mock-server's built-in fixtures, for the chosen API (mock_server/data/profiles/<api>.yaml)"
}
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def is_profile_name(value: object) -> bool:
    """True for a bare word such as ``mock``; a path (``respan.yaml``, ``./mock``, a ``Path``) is not a name."""
    return isinstance(value, str) and _NAME.fullmatch(value) is not None


def _mock_profile_dirs() -> list[Path]:
    """Where the mock's profiles are: the installed ``mock_server`` package's data (found without importing
    it), then each ``VENDOR_PATH`` folder's ``mock_server/data/profiles``."""
    spec = importlib.util.find_spec("mock_server")
    packaged = [Path(p) / "data" / "profiles" for p in (spec.submodule_search_locations or [])] if spec else []
    return [*packaged, *(root / "mock_server" / "data" / "profiles" for root in vendor_specs.roots())]


def named_profile_path(name: str, api: str | None) -> Path:
    """The file a profile name stands for with ``api``; :class:`ProfileError` saying which names exist."""
    if name not in NAMED_PROFILES:
        known = "; ".join(f"`{n}`: {what}" for n, what in NAMED_PROFILES.items())
        raise ProfileError(
            f"unknown profile name {name!r}; named profiles: {known}. For a file, pass its path (e.g. ./{name}.yaml)"
        )
    if api is None:
        raise ProfileError(f"profile `{name}` depends on the API under test: pass --api (or api= in RunConfig)")
    dirs = _mock_profile_dirs()
    for folder in dirs:
        if (folder / f"{api}.yaml").is_file():
            return folder / f"{api}.yaml"
    shipped = sorted({path.stem for folder in dirs if folder.is_dir() for path in folder.glob("*.yaml")})
    raise ProfileError(
        f"profile `{name}`: the mock ships no profile for {api!r} (looked in {', '.join(map(str, dirs)) or 'nowhere'}); "
        f"it has profiles for: {', '.join(shipped) or 'none'}"
    )
