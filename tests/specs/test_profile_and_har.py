"""The shared input formats in vendor_specs: target profiles (read by the harness and the recorder, written by
the recorder) and browser captures (read by `contracts validate --har` and `mock-server record --har`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import vendor_specs
from tests.validate.hars import entry as har_entry
from vendor_specs import (
    HostRule,
    InvalidHar,
    InvalidProfile,
    har_body,
    har_entries,
    har_exchange,
    har_pairs,
    har_request,
    read_har,
)


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


def test_a_har_entry_becomes_the_exchange_the_judge_takes() -> None:
    op = vendor_specs.operations("respan")[0]
    url = "https://api.respan.ai/api/models/gpt-4/?n=%C3%A9"
    entry = har_entry(url, 200, {"detail": "x"}, headers={"Authorization": "Bearer k"})
    entry["request"]["cookies"] = [{"name": "s", "value": "1"}]
    entry["response"]["headers"] += [{"name": "Content-Encoding", "value": "gzip"}, {"name": "X-A", "value": "b"}]
    assert har_request(entry) == ("GET", "https://api.respan.ai/api/models/gpt-4/?n=%C3%A9")
    exchange = har_exchange(entry, op, 100)
    assert (exchange.method, exchange.path, exchange.query, exchange.status) == (
        "GET",
        "/api/models/gpt-4/",
        b"n=%C3%A9",
        200,
    )
    assert dict(exchange.headers) == {b"authorization": b"Bearer k", b"cookie": b"s=1"}
    # the body as the browser decoded it: no Content-Encoding left to undo
    assert dict(exchange.response_headers) == {b"content-type": b"application/json", b"x-a": b"b"}
    assert exchange.body == b'{"detail": "x"}' and exchange.content_type == "application/json"
    blocked = har_entry("https://api.respan.ai/api/models/gpt-4/", 0, mime="")
    del blocked["response"]["content"]["text"]
    assert har_exchange(blocked, op, 100).body == b"" and har_exchange(blocked, op, 100).content_type is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.update(request={}), "has no request.method or request.url; is this a HAR entry?"),
        (lambda e: e["response"].pop("status"), "has no response.status; re-export the HAR with responses"),
        (lambda e: e["request"].update(headers={}), "request.headers is not a list of {name, value} objects"),
        (
            lambda e: e["response"]["content"].pop("text"),
            "response body was not captured (no content.text); export the HAR with content",
        ),
        (lambda e: e["response"]["content"].update(text='{"a": '), "response body is not JSON (truncated?)"),
        (lambda e: e["response"]["content"].update(text="[" + "0," * 60 + "0]"), "response body is 123 bytes, over"),
    ],
)
def test_an_entry_that_cannot_be_judged_says_why(change: Any, message: str) -> None:
    entry = har_entry("https://api.respan.ai/api/models/gpt-4/", 404, {"detail": "x"}, headers={"A": "1"})
    change(entry)
    with pytest.raises(InvalidHar) as caught:
        har_exchange(entry, vendor_specs.operations("respan")[0], 100)
    assert str(caught.value).startswith(message)


def test_read_har_says_why_a_file_is_no_capture(tmp_path: Path) -> None:
    path = tmp_path / "c.har"
    for content, message in (
        ('{"log": {"entries": [', "is not JSON (truncated?): Expecting value (line 1, column 22); export the capture"),
        ('{"log": {}}', "is not a HAR file: no log.entries list; export it from the browser's network panel"),
    ):
        path.write_text(content)
        with pytest.raises(InvalidHar) as caught:
            read_har(path)
        assert str(caught.value).startswith(message)
    path.write_text('{"log": {"entries": [{"response": {"content": {"text": "\\ud800"}}}]}}')  # orjson refuses
    assert read_har(path)[0]["response"]["content"]["text"] == "\ud800"
    with pytest.raises(InvalidHar, match=r"^cannot be read \(.*\); check the path$"):
        read_har(tmp_path / "none.har")
