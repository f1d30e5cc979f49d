"""Which vendors exist: every ``<api>.yaml`` in the spec folders. The one list of vendors.

A vendor is four files, laid out as in this repository::

    openapi/<api>.yaml              the spec: the contract, and every vendor fact (``x-`` extensions)
    mock_server/data/<api>.yaml     the mock's fixtures (``profiles/<api>.yaml`` beside them: a harness profile)
    mock_server/vendors/<api>.py    the mock's auth, access rules and handlers (``mock_server.vendors.Vendor``)
    contracts/vendors/<api>.py      the harness's vendor cases (``contracts.vendors.HarnessVendor``)

The packaged vendors come first. ``VENDOR_PATH`` (folders separated by ``os.pathsep``, as ``PYTHONPATH``)
adds the vendors laid out the same way under each folder; a name already found is not replaced, and a
folder that does not exist is ignored, as Python does for ``PYTHONPATH``.

A spec *key* names a vendor's spec as a given implementation has it: ``openwebui`` is the page's contract,
``openwebui@openwebui-0.12.4`` the same spec with an overlay applied (``vendor_specs._overlay``). Every
function of this package that takes ``api`` takes a key, and caches per key.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

from vendor_specs._errors import SpecError

__all__ = [
    "ENV_VAR",
    "KEY_SEP",
    "apis",
    "is_api",
    "overlay_ref",
    "missing_roots",
    "warn_missing_roots",
    "require_api",
    "roots",
    "spec_dir",
    "spec_path",
    "vendor_module",
    "vendor_of",
]

ENV_VAR = "VENDOR_PATH"
KEY_SEP = "@"  # vendor@overlay: a vendor name never contains it
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


def missing_roots() -> tuple[str, ...]:
    """The ``VENDOR_PATH`` entries that are not folders (ignored, as for ``PYTHONPATH``; a command says so)."""
    return tuple(e for e in os.environ.get(ENV_VAR, "").split(os.pathsep) if e.strip() and not Path(e).is_dir())


def warn_missing_roots(command: str) -> None:
    """Say on stderr which ``VENDOR_PATH`` entries are ignored; a command calls it before parsing its arguments
    (``--api`` of a vendor found nowhere is refused there)."""
    for entry in missing_roots():
        print(f"{command}: VENDOR_PATH names {entry!r}, which is not a folder (ignored)", file=sys.stderr)


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


def vendor_of(api: str) -> str:
    """The vendor of a spec key: ``openwebui@openwebui-0.12.4`` -> ``openwebui``."""
    return api.split(KEY_SEP, 1)[0]


def overlay_ref(api: str) -> str | None:
    """The overlay part of a spec key (a shipped overlay's name or a file path), None for the page's spec."""
    _, sep, ref = api.partition(KEY_SEP)
    return ref if sep else None


def is_api(api: object) -> bool:
    """Whether ``api`` is a spec key of a known vendor (``respan``, ``openwebui@openwebui-0.12.4``)."""
    return isinstance(api, str) and vendor_of(api) in _found(roots()) and overlay_ref(api) != ""


def require_api(api: object, error: type[Exception] = SpecError) -> str:
    """``api`` when it names a known vendor (or a spec key of one); else ``error`` saying which vendors there are:
    the one "unknown API" check of every command and library call."""
    if not is_api(api):
        raise error(f"unknown API {api!r}: choose one of {', '.join(apis())}")
    return str(api)


def spec_path(api: str) -> Path:
    """The spec file of ``api``'s vendor (a key's overlay aside); :class:`SpecError` naming the known vendors
    for any other name."""
    found = _found(roots())
    if vendor_of(api) not in found:
        require_api(api)
    return found[vendor_of(api)]


def vendor_module(package: str, api: str, role: str) -> ModuleType:
    """``<package>.<vendor>``, the module a layer keeps for ``api``'s vendor (``api`` may be a spec key);
    :class:`SpecError` naming the file to add when the vendor has a spec but no such module (``role``: what
    the module is, e.g. ``mock module``)."""
    require_api(api)
    name = f"{package}.{vendor_of(api)}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise _unimportable(name, role, exc) from exc
        folders = importlib.import_module(package).__path__
        raise SpecError(
            f"vendor {vendor_of(api)!r} has a spec but no {role}: add {vendor_of(api)}.py to {list(folders)[0]}"
        ) from None
    except Exception as exc:  # a VENDOR_PATH module with a syntax error, a failing import, ...
        raise _unimportable(name, role, exc) from exc


def _unimportable(name: str, role: str, exc: BaseException) -> SpecError:
    """The error for a vendor module that exists but fails to import, naming its file."""
    try:
        found = importlib.util.find_spec(name)
    except Exception:  # its package failed too
        found = None
    origin = (found.origin if found is not None else None) or name
    if isinstance(exc, SyntaxError):
        text = f"{exc.msg} (line {exc.lineno} of {exc.filename})"
    else:
        text = str(exc)
    return SpecError(f"the {role} {origin} cannot be imported: {type(exc).__name__}: {text}; fix that file")
