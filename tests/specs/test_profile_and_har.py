"""The shared input formats in vendor_specs: target profiles (read by the harness and the recorder, written by
the recorder) and browser captures (read by `contracts validate --har` and `mock-server record --har`)."""

from __future__ import annotations

from pathlib import Path

import pytest

import vendor_specs
from vendor_specs import HostRule, InvalidHar, InvalidProfile, har_body, har_entries, har_pairs


def test_read_profile_interpolates_and_names_the_file_in_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("api: respan\ntokens: {owner: '${KEY}'}\nmodels: {own: m}\n")
    profile = vendor_specs.read_profile(path, env={"KEY": "k"})
    assert (profile.api, profile.token("owner"), profile.model("own"), profile.source) == (
        "respan",
        "k",
        "m",
        str(path),
    )
    with pytest.raises(InvalidProfile, match=rf"profile {path}: `tokens.owner` uses \$\{{KEY\}}"):
        vendor_specs.read_profile(path, env={})
    with pytest.raises(InvalidProfile, match=r"profile named: cannot be read"):
        vendor_specs.read_profile(tmp_path / "none.yaml", source="named")
    assert issubclass(InvalidProfile, ValueError) and vendor_specs.TOKEN_ROLES[0] == "owner"


def test_har_helpers() -> None:
    with pytest.raises(InvalidHar, match="no log.entries list"):
        har_entries({"log": {}})
    assert har_entries({"log": {"entries": [1]}}) == [1]
    assert har_pairs([{"name": ":authority", "value": "h"}, {"name": "A", "value": "1"}], "x") == {"A": "1"}
    assert har_body({"text": "eyJhIjogMX0=", "encoding": "base64"}, 100) == b'{"a": 1}'
    assert har_body({"mimeType": "x"}, 100) is None
    with pytest.raises(InvalidHar, match="--har-host 'a:b': the port is not a number"):
        HostRule(["a:b"], option="--har-host")
    rule = HostRule(["staging.example.com:8443"])
    assert rule.allows("respan", "https://staging.example.com:8443/api/models/x/")
    assert not rule.allows("respan", "https://staging.example.com/api/models/x/")
    assert (
        HostRule().allows("respan", "http://127.0.0.1:9/x")
        and HostRule.shown("https://u:p@H.example:1/x") == "h.example:1"
    )
