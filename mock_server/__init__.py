"""Mock server for the vendors' "get one model" endpoints, built from the specs in ``vendor_specs``.

``create_app(api)`` returns a Connexion 3 ``AsyncApp`` for one vendor; ``mock-server`` (``mock_server.cli``)
serves one or all three. Fixtures are YAML files validated against the spec (``load_fixtures``).
"""

from mock_server.app import create_app
from mock_server.errors import FixtureError, MockServerError, UsageError, VendorError
from mock_server.fixtures import FixtureSet, FixtureStore, load_fixtures
from mock_server.middleware import parse_latency

__all__ = [
    "FixtureError",
    "FixtureSet",
    "FixtureStore",
    "MockServerError",
    "UsageError",
    "VendorError",
    "create_app",
    "load_fixtures",
    "parse_latency",
]
