"""Fixture files: one YAML file per vendor with ``identities`` (who may call) and ``models`` (what is served).

Records are in the shape of the vendor's page. Every model record is validated, in the form it is served,
against the page's 200 schema when it is loaded, and for a spec key with an overlay also in the overlay's
shape (``mock_server.observed``) against the overlaid 200 schema; a bad file raises ``FixtureError`` naming
the file, the record, the field, the spec and the problem.

An identity with ``token: null`` is a caller nobody can act as (``mock-server record`` writes callers it
saw but whose credentials it does not keep that way): its other fields still count for the vendor's rules.
``FixtureStore`` keeps the last good data and reloads a file when its mtime changes (a broken edit
keeps the last good data and logs why).
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30ReadValidator, OAS30Validator

import vendor_specs
from mock_server.errors import FixtureError, UsageError
from mock_server.observed import observed_form
from mock_server.vendors import vendor
from mock_server.vendors._common import FixtureSet
from vendor_specs import body_validator, format_checker, model_facts, model_operation, response_schema, vendor_of

__all__ = ["DEFAULT_DIR", "FixtureSet", "FixtureStore", "fixture_path", "load_fixtures", "parse_fixtures"]

DEFAULT_DIR = Path(__file__).resolve().parent / "data"
log = logging.getLogger("mock_server.fixtures")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: start-up time matters


def fixture_path(api: str, directory: str | Path | None = None) -> Path:
    """Where ``api``'s fixture file lives in ``directory``; by default the packaged fixtures, or for a
    vendor under ``VENDOR_PATH`` its folder's ``mock_server/data/``."""
    name = f"{vendor_of(api)}.yaml"  # a spec key's overlay serves the vendor's fixtures in its own shape
    if directory is not None:
        return Path(directory) / name
    for folder in (DEFAULT_DIR, *(root / "mock_server" / "data" for root in vendor_specs.roots())):
        if (folder / name).is_file():
            return folder / name
    return DEFAULT_DIR / name


def _first_error(api: str, body: dict[str, Any]) -> Any:
    """The first error of ``body`` against the spec's 200 schema (jsonschema-rs decides, openapi-core's own
    validator class names the error), or None."""
    operation_id = model_operation(api).operation_id
    fast = body_validator(api, operation_id, 200)
    try:
        if fast is not None and fast(body):
            return None
    except ValueError:  # YAML gave something JSON has not (a date, a set): the detailed validator names it
        pass
    validator = OAS30ReadValidator(response_schema(api, 200), format_checker=format_checker(api))
    return next(iter(sorted(validator.iter_errors(body), key=lambda e: list(e.path))), None)


def _tokenless(schema: dict[str, Any]) -> dict[str, Any]:
    """``IDENTITY_SCHEMA`` for an identity with ``token: null`` (checked without its token)."""
    properties = {k: v for k, v in (schema.get("properties") or {}).items() if k != "token"}
    required = [r for r in schema.get("required") or () if r != "token"]
    return {**schema, "properties": properties, "required": required}


def _path(error: Any) -> list[Any]:
    return list(error.path)


def _field(path: Any) -> str | None:
    parts = [str(p) for p in path]
    return ".".join(parts) if parts else None


def load_fixtures(api: str, path: str | Path) -> FixtureSet:
    """Read and validate one fixture file; raise ``FixtureError`` on the first problem found.

    Any other exception while loading (a bug, or input nobody foresaw) is also reported as a
    ``FixtureError`` naming the file, so neither the CLI nor the reloading server ever sees a traceback."""
    name = str(path)
    try:
        return _load(api, Path(path))
    except FixtureError:
        raise
    except Exception as exc:
        log.debug("loading fixture %s failed", name, exc_info=exc)
        raise FixtureError(name, f"cannot be loaded ({type(exc).__name__}: {' '.join(str(exc).split())})") from None


def _load(api: str, path: Path) -> FixtureSet:
    name = str(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except OSError as exc:
        raise FixtureError(name, f"cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise FixtureError(
            name, f"is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"
        ) from None
    except yaml.YAMLError as exc:
        raise FixtureError(name, f"is not valid YAML ({' '.join(str(exc).split())})") from None
    return _parse(api, data, name)


def parse_fixtures(api: str, data: Any, source: str) -> FixtureSet:
    """Validate already-parsed fixture data (named ``source`` in messages) as :func:`load_fixtures` does a file."""
    try:
        return _parse(api, data, source)
    except FixtureError:
        raise
    except Exception as exc:
        log.debug("checking fixture %s failed", source, exc_info=exc)
        raise FixtureError(source, f"cannot be loaded ({type(exc).__name__}: {' '.join(str(exc).split())})") from None


def _parse(api: str, data: Any, name: str) -> FixtureSet:
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("identities"), dict)
        or not isinstance(data.get("models"), list)
    ):
        raise FixtureError(name, "must be a mapping with `identities` (a mapping) and `models` (a list)")
    spec = vendor(api)
    identities: dict[str, dict[str, Any]] = {}
    by_token: dict[str, dict[str, Any]] = {}
    id_validator = OAS30Validator(spec.IDENTITY_SCHEMA)
    tokenless = OAS30Validator(_tokenless(spec.IDENTITY_SCHEMA))
    for ident_name, ident in data["identities"].items():
        without = isinstance(ident, dict) and "token" in ident and ident["token"] is None
        checked = {k: v for k, v in ident.items() if k != "token"} if without else ident
        error = next(iter(sorted((tokenless if without else id_validator).iter_errors(checked), key=_path)), None)
        if error is not None:
            raise FixtureError(name, error.message, f"identity `{ident_name}`", _field(error.absolute_path))
        ident = {**ident, "name": str(ident_name)}
        identities[str(ident_name)] = ident
        if without:
            continue
        if ident["token"] in by_token:
            raise FixtureError(name, "token is already used by another identity", f"identity `{ident_name}`", "token")
        by_token[ident["token"]] = ident
    facts = model_facts(api)
    models: dict[str, dict[str, Any]] = {}
    for index, record in enumerate(data["models"]):
        label = f"#{index + 1}"
        if not isinstance(record, dict):
            raise FixtureError(name, "must be a mapping (a model object)", label)
        key = record.get(facts.key)
        label = f"#{index + 1} ({key})" if key is not None else label
        served = spec.served_form(api, record)
        shapes = [(vendor_of(api), served)] + ([(api, observed_form(api, served))] if api != vendor_of(api) else [])
        for spec_key, body in shapes:
            error = _first_error(spec_key, body)
            if error is not None:
                raise FixtureError(
                    name, f"{error.message} (spec {spec_key} 200 schema)", label, _field(error.absolute_path)
                )
        if key in models:
            raise FixtureError(name, f"duplicate {facts.key} {key!r}", label, facts.key)
        for other in facts.id_fields[1:]:
            if other in record and record[other] != key:
                raise FixtureError(name, f"must equal {facts.key} {key!r}, got {record[other]!r}", label, other)
        problem = spec.check_record(record, identities)
        if problem is not None:
            raise FixtureError(name, problem[1], label, problem[0])
        models[str(key)] = record
    return FixtureSet(api, name, identities, models, by_token)


class FixtureStore:
    """The current fixtures of one vendor, reloaded when the file changes (polled at most every ``interval`` s)."""

    def __init__(self, api: str, directory: str | Path | None = None, interval: float = 0.5) -> None:
        self.api = api
        self.path = fixture_path(api, directory)
        if directory is not None and not Path(directory).is_dir():
            what = "is not a directory" if Path(directory).exists() else "does not exist"
            raise UsageError(f"fixtures directory {directory} {what}")
        self.interval = interval
        self._mtime = self._stat()
        self.current = load_fixtures(api, self.path)
        self._checked = time.monotonic()

    def _stat(self) -> float | None:
        try:
            return os.stat(self.path).st_mtime_ns
        except OSError:
            return None

    def get(self) -> FixtureSet:
        """The current fixture set, reloading first if the file changed since the last poll."""
        now = time.monotonic()
        if now - self._checked >= self.interval:
            self._checked = now
            self.poll()
        return self.current

    def poll(self) -> bool:
        """Reload if the file's mtime changed; True when new data is now served."""
        mtime = self._stat()
        if mtime == self._mtime:
            return False
        self._mtime = mtime
        try:
            self.current = load_fixtures(self.api, self.path)
        except Exception as exc:  # load_fixtures only raises FixtureError; never let a reload break serving
            log.error("%s; still serving the last good data", exc)
            return False
        log.info("reloaded fixture %s (%d models)", self.path, len(self.current.models))
        return True
