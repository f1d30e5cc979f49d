"""The public surface is explicit: `mock_server.__all__` is exactly what the package exports."""

import mock_server


def test_all_is_exact():
    public = {name for name in vars(mock_server) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(mock_server, name)).__name__ == "module"}
    assert set(mock_server.__all__) == public - modules - {"warnings"}
    assert sorted(mock_server.__all__) == mock_server.__all__


def test_one_error_base():
    for name in ("FixtureError", "UsageError", "VendorError"):
        assert issubclass(getattr(mock_server, name), mock_server.MockServerError)
