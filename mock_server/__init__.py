"""Mock server for the vendors' "get one model" endpoints, built from the specs in ``vendor_specs``.

``create_app(api)`` returns a Connexion 3 ``AsyncApp`` for one vendor; ``mock-server`` (``mock_server.cli``)
serves one or all three. Fixtures are YAML files validated against the spec (``load_fixtures``).
"""

import warnings

# Connexion 3.3 imports starlette.testclient at import time, which warns on every `mock-server` start
# (starlette wants httpx2 for its test client; the mock does not use it at run time).
warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette.testclient` is deprecated")

from mock_server.app import create_app  # noqa: E402
from mock_server.errors import FixtureError, MockServerError, UsageError, VendorError  # noqa: E402
from mock_server.fixtures import FixtureSet, FixtureStore, load_fixtures  # noqa: E402
from mock_server.journal import Journal, JournalFile  # noqa: E402
from mock_server.middleware import parse_latency  # noqa: E402

__all__ = [
    "FixtureError",
    "FixtureSet",
    "FixtureStore",
    "Journal",
    "JournalFile",
    "MockServerError",
    "UsageError",
    "VendorError",
    "create_app",
    "load_fixtures",
    "parse_latency",
]
