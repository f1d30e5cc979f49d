"""The request journal: what a browser app sent, asked of a running `mock-server` (GET/DELETE /__mock/requests)."""

from __future__ import annotations

import json
import logging
import time

import httpx
import pytest

from mock_server import create_app
from mock_server.errors import UsageError
from mock_server.journal import BODY_LIMIT, Filters, JournalFile
from tests.mock_server.conftest import DATA, bearer, free_port, identities

APP_ORIGIN = "http://localhost:5173"  # a frontend dev server
BROWSER = {"Origin": APP_ORIGIN, "Accept": "application/json", "User-Agent": "Mozilla/5.0 (test browser)"}


def _preflight(client: httpx.Client, url: str, method: str = "GET", headers: str = "authorization") -> httpx.Response:
    return client.options(
        url,
        headers={
            "Origin": APP_ORIGIN,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


@pytest.mark.slow
def test_a_browser_app_asks_the_journal_what_it_sent(run_mock, tmp_path):
    port = free_port(3)
    ndjson = tmp_path / "journal.ndjson"
    mock = run_mock("--port", str(port), "--quiet", "--journal", str(ndjson))
    owui, selise = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port + 2}"
    mock.wait_url(f"{owui}/__mock/requests")
    reader = identities("openwebui")["reader"]
    with httpx.Client() as browser:
        # what fetch() with an Authorization header does: a preflight, then the request
        assert _preflight(browser, f"{owui}/api/models/model?id=acme%2Ftest-model%3Av1").status_code == 200
        r = browser.get(
            f"{owui}/api/models/model?id=acme%2Ftest-model%3Av1",
            headers={**BROWSER, "Authorization": f"Bearer {reader}"},
        )
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == APP_ORIGIN
        browser.get(f"{owui}/api/models/model?id=gpt-4-custom", headers=BROWSER)  # forgot the token: 401
        browser.get(f"{selise}/models/model_123?project_key={identities('selise')['alpha']}", headers=BROWSER)

        # the test of the frontend asks the mock, cross-origin too
        journal = browser.get(f"{owui}/__mock/requests", headers=BROWSER)
        assert journal.status_code == 200 and journal.headers["access-control-allow-origin"] == APP_ORIGIN
        entries = journal.json()["requests"]
        assert [(e["method"], e["status"]) for e in entries] == [("OPTIONS", 200), ("GET", 200), ("GET", 401)]
        fetched = entries[1]
        assert fetched["path"] == "/api/models/model"
        assert fetched["query"] == {"id": "acme/test-model:v1"}
        assert fetched["identity"] == "reader"  # "was the model fetched with the reader's token?"
        assert fetched["headers"]["authorization"] == "Bearer <reader>" and reader not in journal.text
        assert fetched["headers"]["origin"] == APP_ORIGIN
        assert fetched["response_body"]["write_access"] is False and fetched["response_body"]["params"] == {}
        assert entries[2]["identity"] is None and entries[2]["response_body"] == {"detail": "Access prohibited"}

        # filters
        def ask(**params: str) -> list[dict]:
            return browser.get(f"{owui}/__mock/requests", params=params).json()["requests"]

        assert [e["id"] for e in ask(identity="reader")] == [fetched["id"]]
        assert [e["status"] for e in ask(status="4xx")] == [401]
        assert len(ask(path="/api/models/*", method="GET")) == 2
        assert ask(since=str(time.time() + 60)) == []
        assert len(ask(since=entries[1]["time"])) == 2
        bad = browser.get(f"{owui}/__mock/requests", params={"status": "teapot"})
        assert bad.status_code == 400 and "status=" in bad.json()["error"]

        # SELISE: the project key in the query is a credential too
        selise_entries = browser.get(f"{selise}/__mock/requests").json()["requests"]
        assert selise_entries[0]["identity"] == "alpha" and selise_entries[0]["query"] == {"project_key": "<alpha>"}

        # clearing, from the browser: DELETE needs its own preflight
        preflight = _preflight(browser, f"{owui}/__mock/requests", "DELETE", "")
        assert "DELETE" in preflight.headers["access-control-allow-methods"]
        cleared = browser.delete(f"{owui}/__mock/requests", headers=BROWSER)
        assert cleared.json() == {"cleared": 3}
        assert browser.get(f"{owui}/__mock/requests").json()["requests"] == []
    mock.stop()
    lines = [json.loads(line) for line in ndjson.read_text().splitlines()]
    assert {line["api"] for line in lines} == {"openwebui", "selise"}
    assert not any(line["path"].startswith("/__mock/") for line in lines)
    assert reader not in ndjson.read_text()


def test_reserved_paths_are_not_in_the_spec_or_swagger_ui(make_client):
    client = make_client("respan")
    spec = client.get("/openapi.json").json()
    assert not any(path.startswith("/__mock") for path in spec["paths"])
    assert client.get("/__mock/nothing").status_code == 404
    r = client.post("/__mock/requests")
    assert r.status_code == 405 and "DELETE" in r.headers["allow"]


@pytest.mark.parametrize("base_path", ["/__mock", "/__mock/v1"])
def test_a_base_path_under_the_reserved_prefix_is_refused(base_path):
    with pytest.raises(UsageError, match="reserves"):
        create_app("respan", base_path=base_path, access_log=False)


def test_a_spec_path_that_could_address_the_reserved_prefix_is_refused():
    from vendor_specs import raw_spec

    spec = raw_spec("respan")
    for template in ("/__mock/models/{model_name}/", "/{model_name}/"):
        clash = {**spec, "paths": {template: next(iter(spec["paths"].values()))}}
        with pytest.raises(UsageError, match="could address /__mock/"):
            create_app("respan", spec=clash, base_path="", access_log=False)


def test_the_oldest_entries_are_dropped(make_client):
    client = make_client("respan", journal_size=3)
    for name in ("a", "b", "c", "d", "e"):
        client.get(f"/api/models/{name}/", headers=bearer("respan", "acme"))
    body = client.get("/__mock/requests").json()
    assert [e["path"] for e in body["requests"]] == ["/api/models/c/", "/api/models/d/", "/api/models/e/"]
    assert (body["kept"], body["limit"], body["dropped"]) == (3, 3, 2)


def test_large_bodies_are_cut_and_said_so(make_client):
    client = make_client("respan")
    big = b"x" * (BODY_LIMIT * 4)
    client.request("GET", "/api/models/openai/gpt-4/", content=big, headers=bearer("respan", "acme"))
    entry = client.get("/__mock/requests").json()["requests"][0]
    assert entry["truncated"] == {"body": len(big)} and len(entry["body"]) == BODY_LIMIT


def test_unknown_credentials_are_not_shown(make_client):
    client = make_client("respan")
    client.get("/api/models/openai/gpt-4/", headers={"Authorization": "Bearer sk-live-real-secret"})
    entry = client.get("/__mock/requests").json()["requests"][0]
    assert entry["headers"]["authorization"] == "Bearer <unknown token>" and entry["identity"] is None
    assert entry["status"] == 401


def test_cookies_and_other_authorization_headers_are_not_shown(make_client):
    """A browser sends every localhost cookie to the mock (a real Open WebUI session's ``token`` among them);
    an Authorization header the vendor's scheme does not use is still a secret."""
    own = identities("openwebui")["owner"]
    cookie = f"token=eyJREALSECRETJWT; theme=dark; mine={own}; flag"
    client = make_client("openwebui")
    client.get("/api/models/model", params={"id": "x"}, headers={**bearer("openwebui", "owner"), "Cookie": cookie})
    (entry,) = client.get("/__mock/requests").json()["requests"]
    assert entry["headers"]["cookie"] == "token=<redacted>; theme=<redacted>; mine=<owner>; <redacted>"
    assert entry["identity"] == "owner" and "eyJ" not in json.dumps(entry) and own not in json.dumps(entry)

    client = make_client("selise")  # its scheme is X-Blocks-Key; a gateway's bearer token rides along
    client.get("/models/x", headers={"Authorization": "Bearer eyJGATEWAYJWT", "Cookie": "session=abc123"})
    (entry,) = client.get("/__mock/requests").json()["requests"]
    assert entry["headers"]["authorization"] == "Bearer <unknown token>", entry["headers"]
    assert entry["headers"]["cookie"] == "session=<redacted>"


def test_journal_size_zero_keeps_nothing(make_client):
    client = make_client("respan", journal_size=0)
    client.get("/api/models/openai/gpt-4/", headers=bearer("respan", "acme"))
    assert client.get("/__mock/requests").json()["requests"] == []


def test_filters_reject_what_they_do_not_know():
    with pytest.raises(ValueError, match="unknown filter"):
        Filters.parse([("colour", "red")])
    with pytest.raises(ValueError, match="ISO 8601"):
        Filters.parse([("since", "yesterday")])
    assert Filters.parse([("since", "2026-01-31T12:00:00Z")]).since == 1769860800.0


def test_an_unwritable_journal_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="cannot write the journal"):
        JournalFile(tmp_path / "no-such-dir" / "journal.ndjson")


def _documented_journal_curls() -> list[list[str]]:
    """The journal's `curl` commands in docs/mock-server.md."""
    import shlex

    from tests.docs import section

    page = section("docs/mock-server.md", "Request journal: what the app sent (`/__mock/`)")
    block = page.split("```sh", 1)[1].split("```", 1)[0]
    return [shlex.split(line.split("  #", 1)[0]) for line in block.splitlines() if line.startswith("curl ")]


@pytest.mark.slow
def test_the_documented_journal_commands_work(run_mock):
    curls = _documented_journal_curls()
    assert len(curls) >= 4
    port = free_port(3)
    mock = run_mock("--port", str(port), "--quiet")
    base = f"http://127.0.0.1:{port}"
    mock.wait_url(f"{base}/__mock/requests")
    httpx.get(f"{base}/api/models/model?id=gpt-4-custom", headers=bearer("openwebui", "reader"))
    for argv in curls:
        method = argv[argv.index("-X") + 1] if "-X" in argv else "GET"
        url = argv[-1].replace("127.0.0.1:9001", f"127.0.0.1:{port}")
        r = httpx.request(method, url)
        assert r.status_code == 200, (argv, r.text)
        assert "cleared" in r.json() if method == "DELETE" else r.json()["requests"] is not None
    first = httpx.get(f"{base}/__mock/requests").json()
    assert first["requests"] == []  # the documented DELETE cleared it


def _fixtures(tmp_path, api: str, tokens: dict[str, str]):
    """The shipped fixtures of ``api`` with each identity's token replaced (old token -> new)."""
    text = (DATA / f"{api}.yaml").read_text()
    for old, new in tokens.items():
        text = text.replace(old, new)
    (tmp_path / f"{api}.yaml").write_text(text)
    return tmp_path


def test_the_journal_never_holds_a_piece_of_a_credential(make_client, tmp_path):
    """Tokens that are prefixes of one another (T, T-77119), one that extends a known one (T-5), an unknown
    credential-shaped one, in every place a request carries one: each is shown whole or not at all."""
    ids = identities("respan")
    client = make_client("respan", fixtures=_fixtures(tmp_path, "respan", {ids["acme"]: "T", ids["globex"]: "T-77119"}))
    sent = [
        ({"Authorization": "Bearer T-77119"}, "Bearer <globex>", "globex"),
        ({"Authorization": "Bearer T"}, "Bearer <acme>", "acme"),
        ({"Authorization": "Bearer T-5"}, "Bearer <unknown token>", None),
        ({"Authorization": "Bearer T-771190"}, "Bearer <unknown token>", None),
        ({"Authorization": "Bearer sk-proj-unknownunknown1234"}, "Bearer <unknown token>", None),
    ]
    for headers, _, _ in sent:
        client.get("/api/models/openai/gpt-4/", headers={**headers, "Cookie": "a=T-77119; b=T-5", "X-Api-Key": "T-9"})
    client.get("/api/models/T-5/?access_token=T-77119&note=T-6", headers={"Authorization": "Bearer T"})
    entries = client.get("/__mock/requests").json()["requests"]
    for entry, (_, shown, identity) in zip(entries, sent, strict=False):
        assert (entry["headers"]["authorization"], entry["identity"]) == (shown, identity)
        assert entry["headers"]["cookie"] == "a=<globex>; b=<redacted>"
        assert entry["headers"]["x-api-key"] == "<unknown token>"
    last = entries[-1]
    assert last["path"] == "/api/models/<unknown token>/"
    assert last["query"] == {"access_token": "<globex>", "note": "<unknown token>"}
    text = json.dumps(entries)
    assert "77119" not in text and "T-" not in text and "unknownunknown" not in text and '"T"' not in text


def test_selise_project_keys_in_the_query_and_the_header_are_hidden_whole(make_client, tmp_path):
    ids = identities("selise")
    client = make_client("selise", fixtures=_fixtures(tmp_path, "selise", {ids["alpha"]: "P", ids["beta"]: "P-77119"}))
    for key in ("P-77119", "P", "P-5"):
        client.get("/models/m", params={"project_key": key}, headers={"X-Blocks-Key": key})
    entries = client.get("/__mock/requests").json()["requests"]
    assert [e["query"]["project_key"] for e in entries] == ["<beta>", "<alpha>", "<unknown token>"]
    assert [e["headers"]["x-blocks-key"] for e in entries] == ["<beta>", "<alpha>", "<unknown token>"]
    assert [e["identity"] for e in entries] == ["beta", "alpha", None]
    assert "P-5" not in json.dumps(entries) and "77119" not in json.dumps(entries)


def test_the_access_log_hides_query_credentials(make_client, caplog):
    client = make_client("selise", access_log=True)
    alpha = identities("selise")["alpha"]
    with caplog.at_level(logging.INFO, logger="mock_server.access"):
        client.get("/models/m", params={"project_key": alpha, "x": "1"})
        client.get("/models/m", params={"project_key": alpha + "-5"})
    lines = [r.getMessage() for r in caplog.records if r.name == "mock_server.access"]
    assert "/models/m?project_key=<alpha>&x=1" in lines[0] and "project_key=<unknown token>" in lines[1], lines
    assert alpha not in "".join(lines) and all(alpha not in str(r.__dict__) for r in caplog.records)
