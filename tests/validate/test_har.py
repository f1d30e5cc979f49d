"""`contracts validate --har`: browser captures with matching, foreign, broken and odd entries."""

from __future__ import annotations

import json
import re
from pathlib import Path

from contracts.validate import validate_har

from .hars import NO_TEXT, entry, har

AUTH = {"authorization": "Bearer eyJhbGciOi"}


def write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "capture.har"
    path.write_text(json.dumps(doc))
    return path


def test_capture_with_matching_and_foreign_entries(cli, example, tmp_path: Path) -> None:
    respan_bad = {**example("respan"), "input_cost": "cheap"}
    doc = har(
        entry(
            "http://localhost:8080/api/v1/models/model?id=acme%2Ftest-model%3Av1",
            200,
            example("openwebui"),
            headers=AUTH,
        ),
        entry("https://api.respan.ai/api/models/openai/gpt-4/", 200, example("respan"), headers=AUTH),
        entry("https://api.respan.ai/api/models/openai%2Fgpt-4/", 200, respan_bad, headers=AUTH),
        entry("https://gw.example/blocksai-api/v1/models/m1?project_key=P", 200, example("selise"), encoding="base64"),
        entry("https://fonts.example/css2?family=Inter", 200, text="@font-face{}", mime="text/css"),
        entry("http://localhost:8080/static/app.js", 200, text="x()", mime="application/javascript"),
        entry("http://localhost:8080/api/v1/models/model?id=x", 0, text=NO_TEXT, mime="", headers=AUTH),
    )
    code, out, err = cli("--har", write(tmp_path, doc))
    assert code == 1 and err == ""
    assert (
        "entry 3 GET https://api.respan.ai/api/models/openai%2Fgpt-4/: invalid against respan retrieve_custom_model 200"
        in out
    )
    assert "response body $.input_cost: 'cheap' is not of type 'number'" in out
    assert "entry 1" not in out and "entry 2" not in out and "entry 4" not in out
    rows = [row.split() for row in out.splitlines()]
    assert ["openwebui", "get_model", "200", "1", "0", "0"] in rows
    assert ["respan", "retrieve_custom_model", "200", "1", "1", "0"] in rows
    assert ["selise", "get_model_by_id", "200", "1", "0", "0"] in rows
    assert "4 checked: 3 valid, 1 invalid, 0 unusable, 1 skipped; 2 matched no spec (not validated)" in out


def test_request_and_response_violations(example) -> None:
    report = validate_har(
        har(
            entry("https://api.respan.ai/api/models/gpt-4/", 200, example("respan")),  # no credentials
            entry(
                "http://localhost:8080/api/v1/models/model?id=x",
                200,
                text="<html>SPA</html>",
                mime="text/html",
                headers=AUTH,
            ),
            entry("https://api.respan.ai/api/models/gpt-4/", 500, {"detail": "boom"}, headers=AUTH),
            entry("https://api.respan.ai/api/models/gpt-4/", 404, {"detail": "Not found.", "extra": 1}, headers=AUTH),
        )
    )
    found = {r.source.split()[1]: [str(v) for v in r.violations] for r in report.results}
    assert (
        "request security: has no credentials of a documented scheme; send Authorization: Bearer <credentials> (bearerAuth) [rule documented security]"
        in found["1"]
    )
    assert found["2"] == [
        "response content-type: text/html is not documented; expected application/json "
        '[rule documented media type; value "text/html"]'
    ]
    assert found["3"] == [
        "response status: 500 is not documented for retrieve_custom_model (documented: 200, 401, 403, 404) "
        "[rule documented status; value 500]"
    ]
    assert found["4"][0].startswith("response body $.extra: is not allowed")
    assert report.exit_code == 1


def test_broken_entries_are_named_and_the_rest_still_validated(cli, example, tmp_path: Path) -> None:
    url = "https://api.respan.ai/api/models/gpt-4/"
    doc = har(
        {"request": {"url": url}},  # no method, no response
        entry(url, 200, text=NO_TEXT, headers=AUTH),  # body not captured
        entry(url, 200, text='{"id": "gpt-4", "model_na', headers=AUTH),  # truncated
        entry(url, 200, text="!!not base64!!", encoding="base64", headers=AUTH),
        {**entry(url, 200, example("respan"), headers=AUTH), "response": {"content": {}}},  # no status
        "not an object",
        entry(url, 404, {"detail": "Not found."}, headers=AUTH),  # fine
    )
    doc["log"]["entries"][3]["response"]["content"]["text"] = "!!not base64!!"
    code, out, _ = cli("--har", write(tmp_path, doc))
    assert code == 2
    blocks = {block.split()[0]: block for block in ("\n" + out).split("\nentry ")[1:]}
    assert "has no request.method or request.url; is this a HAR entry?" in blocks["1:"]
    assert "response body was not captured (no content.text); export the HAR with content" in blocks["2"]
    assert "response body is not JSON (truncated?)" in blocks["3"]
    assert "response.content.text is marked base64 but is not valid base64" in blocks["4"]
    assert "has no response.status" in blocks["5"]
    assert "has no request.method or request.url" in blocks["6:"]
    assert "7" not in blocks
    assert "7 checked: 1 valid, 0 invalid, 6 unusable" in out


def test_non_utf8_and_oversized_bodies(cli, example, tmp_path: Path) -> None:
    import base64

    url = "https://api.respan.ai/api/models/gpt-4/"
    raw = entry(url, 200, text=NO_TEXT, headers=AUTH)
    raw["response"]["content"].update(text=base64.b64encode(b'{"detail": "\xff"}').decode(), encoding="base64")
    big = {**example("respan"), "display_name": "x" * (50 * 1024 * 1024)}
    code, out, _ = cli(
        "--har",
        write(tmp_path, har(raw, entry(url, 200, big, headers=AUTH), entry(url, 200, example("respan"), headers=AUTH))),
    )
    assert code == 2
    assert "response body is not UTF-8 (byte 0xff at offset 12)" in out
    assert re.search(
        r"response body is 52,4\d\d,\d{3} bytes, over the 16,777,216-byte limit; raise it with --max-body-mb", out
    )
    assert "3 checked: 1 valid, 0 invalid, 2 unusable" in out


def test_base_path_option_for_a_custom_deployment(cli, example, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        har(entry("https://intra.example/tools/webui/models/model?id=x", 200, example("openwebui"), headers=AUTH)),
    )
    code, out, _ = cli("--har", path)
    assert code == 0 and "0 checked: 0 valid, 0 invalid, 0 unusable; 1 matched no spec" in out
    code, out, _ = cli("--har", path, "--base-path", "/tools/webui")
    assert code == 0 and "1 checked: 1 valid" in out


def test_file_that_is_not_a_har(cli, tmp_path: Path) -> None:
    path = write(tmp_path, {"entries": []})
    code, out, err = cli(path)
    assert code == 2 and out == ""
    assert "capture.har: is not a HAR file: no log.entries list" in err
    path.write_bytes(b'{"log": {"entries": [')
    code, _, err = cli(path)
    assert code == 2 and "capture.har: is not JSON (truncated?)" in err


def test_not_modified_is_skipped_and_an_odd_entry_does_not_stop_the_run(example, monkeypatch) -> None:
    import contracts.validate.har as har_module

    url = "https://api.respan.ai/api/models/gpt-4/"
    calls = {"n": 0}
    real = har_module.request_violations

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("unexpected")
        return real(*args, **kwargs)

    monkeypatch.setattr(har_module, "request_violations", flaky)
    report = validate_har(
        har(
            entry(url, 304, text="", headers=AUTH),
            entry(url, 200, example("respan"), headers=AUTH),
            entry(url, 200, example("respan"), headers=AUTH),
        )
    )
    verdicts = [(r.source.split()[1], r.verdict) for r in report.results]
    assert verdicts == [("1", "skipped"), ("2", "unusable")]
    assert "could not be validated (RuntimeError: unexpected)" in report.results[1].problem
    assert report.counts()["valid"] == 1


def test_api_option_restricts_a_capture_to_one_vendor(cli, example, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        har(
            entry("https://other.example/models/thing", 200, {"some": "other api"}),
            entry("http://localhost:8080/api/v1/models/model?id=x", 200, example("openwebui"), headers=AUTH),
        ),
    )
    code, out, _ = cli("--har", path)
    assert code == 1 and "entry 1 GET https://other.example/models/thing: invalid against selise" in out
    code, out, _ = cli("--har", path, "--api", "openwebui")
    assert code == 0 and "1 checked: 1 valid, 0 invalid, 0 unusable; 1 matched no spec" in out
