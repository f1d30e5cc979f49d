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
        entry(
            "https://api.seliseblocks.com/blocksai-api/v1/models/m1?project_key=P",
            200,
            example("selise"),
            encoding="base64",
        ),
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
    assert "response body $.input_cost: is not of type 'number'" in out
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
        "request security: has no credentials of a documented scheme; send Authorization: Bearer <token> [rule documented security]"
        in found["1"]
    )
    assert found["2"] == [
        "response content-type: text/html is not documented; expected application/json "
        '[rule documented media type; value "text/html"] at #/paths/~1models~1model/get/responses/200/content'
    ]
    assert found["3"] == [
        "response status: 500 is not documented for retrieve_custom_model (documented: 200, 401, 403, 404) "
        "[rule documented status; value 500] at #/paths/~1api~1models~1{model_name}~1/get/responses"
    ]
    assert found["4"][0].startswith("response body $.extra: is not allowed")
    assert found["4"][0].endswith("at #/components/schemas/ErrorDetail")  # the closed schema, where it is written
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
    assert code == 0 and "1 matched no spec" in out  # the host is not a spec server: --host names it
    assert "1 of them have a vendor path on a host that is neither a spec server nor loopback (intra.example)" in out
    code, out, _ = cli("--har", path, "--base-path", "/tools/webui", "--host", "intra.example")
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
    import vendor_specs

    url = "https://api.respan.ai/api/models/gpt-4/"
    calls = {"n": 0}
    real = vendor_specs.Judge.judged

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("unexpected")
        return real(*args, **kwargs)

    monkeypatch.setattr(vendor_specs.Judge, "judged", flaky)
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
    code, out, _ = cli("--har", path, "--host", "other.example")
    assert code == 1 and "entry 1 GET https://other.example/models/thing: invalid against selise" in out
    code, out, _ = cli("--har", path, "--api", "openwebui", "--host", "other.example", "--host", "localhost:8080")
    assert code == 0 and "1 checked: 1 valid, 0 invalid, 0 unusable; 1 matched no spec" in out


def test_entries_of_other_hosts_are_not_validated_as_a_vendor(cli, tmp_path: Path) -> None:
    """A CDN's /models/x.glb is not SELISE, Hugging Face's /api/models/... is not Respan (reviewer's foreign.har)."""
    doc = har(
        entry("https://cdn.example.com/models/robot.glb", 200, text="xx", mime="model/gltf-binary"),
        entry("https://huggingface.co/api/models/openai/whisper-large-v3/", 200, {"id": "openai/whisper-large-v3"}),
    )
    code, out, err = cli("--har", write(tmp_path, doc))
    assert (code, err) == (0, "")
    assert "0 checked: 0 valid, 0 invalid, 0 unusable; 2 matched no spec (not validated)" in out
    assert "(cdn.example.com, huggingface.co); if that is the server under test, pass --host HOST[:PORT]" in out
    assert "entry" not in out


def test_host_rule_spec_servers_loopback_and_the_host_option(example) -> None:
    openwebui, respan = example("openwebui"), example("respan")
    doc = har(
        entry("https://api.respan.ai/api/models/gpt-4/", 200, respan, headers=AUTH),  # respan's server
        entry("http://127.0.0.1:9002/api/models/gpt-4/", 200, respan, headers=AUTH),  # loopback: a mock
        entry("http://[::1]:8080/api/v1/models/model?id=x", 200, openwebui, headers=AUTH),
        entry("https://api.respan.ai/api/v1/models/model?id=x", 200, openwebui, headers=AUTH),  # not openwebui's host
        entry("https://staging.example:8443/api/v1/models/model?id=x", 200, openwebui, headers=AUTH),
        entry("https://staging.example/api/v1/models/model?id=x", 200, openwebui, headers=AUTH),  # port 443
    )
    report = validate_har(doc)
    assert (report.counts()["valid"], report.unmatched) == (3, 3)
    assert report.other_hosts == {"api.respan.ai": 1, "staging.example:8443": 1, "staging.example": 1}
    report = validate_har(doc, hosts=["staging.example:8443"])
    assert (report.counts()["valid"], report.unmatched) == (1, 5)
    report = validate_har(doc, hosts=["STAGING.example"], api="openwebui")
    assert (report.counts()["valid"], report.unmatched) == (2, 4)
    report = validate_har(doc, hosts=["https://staging.example"])  # a URL: its default port
    assert (report.counts()["valid"], report.unmatched) == (1, 5)


def test_bad_host_option_is_a_usage_error(cli, tmp_path: Path) -> None:
    path = write(tmp_path, har())
    for bad, why in (("h:99999", "the port is not a number"), ("h/api", "is not HOST or HOST:PORT"), ("", "is not")):
        code, out, err = cli("--har", path, "--host", bad)
        assert code == 2 and out == "" and why in err and len(err.splitlines()) == 1, err
    code, _, err = cli("--api", "respan", "--host", "h", path.with_suffix(".json"))
    assert code == 2 and "--host applies to HAR captures only" in err


def test_base_path_adds_to_the_prefixes_of_the_specs_servers(example) -> None:
    doc = har(
        entry("http://localhost:8080/tools/webui/models/model?id=x", 200, example("openwebui"), headers=AUTH),
        entry("http://localhost:8080/api/v1/models/model?id=x", 200, example("openwebui"), headers=AUTH),
        entry("https://api.respan.ai/api/models/gpt-4/", 200, example("respan"), headers=AUTH),
        entry("https://api.seliseblocks.com/blocksai-api/v1/models/m1?project_key=P", 200, example("selise")),
    )
    report = validate_har(doc, base_path="/tools/webui")
    assert (report.counts()["valid"], report.unmatched, report.results) == (4, 0, [])


def test_request_violation_refused_with_a_documented_4xx_is_info(cli, tmp_path: Path) -> None:
    """Reviewer's req401.har: no credentials -> the documented 401; missing id -> the documented 422."""
    missing_id = {"detail": [{"type": "missing", "loc": ["query", "id"], "msg": "Field required", "input": None}]}
    doc = har(
        entry("http://localhost/api/models/x/", 401, {"detail": "Authentication credentials were not provided."}),
        entry("http://localhost/api/v1/models/model", 422, missing_id, headers=AUTH),
        entry("http://localhost/api/models/x/", 200, example_respan := _respan_body()),  # accepted: a finding
        entry("http://localhost/api/models/x/", 500, {"detail": "boom"}),  # not a documented refusal
    )
    code, out, err = cli("--har", write(tmp_path, doc))
    assert code == 1 and err == ""
    blocks = {block.split()[0]: block for block in ("\n" + out).split("\nentry ")[1:]}
    assert blocks["1"].startswith(
        "1 GET http://localhost/api/models/x/: valid against respan retrieve_custom_model 401"
    )
    assert "info: refused with the documented 401, as it should be: request security: has no credentials" in blocks["1"]
    assert "valid against openwebui get_model 422" in blocks["2"]
    assert "info: refused with the documented 422, as it should be: request query.id: required parameter" in blocks["2"]
    assert "invalid against respan retrieve_custom_model 200" in blocks["3"] and "  request security:" in blocks["3"]
    assert "info:" not in blocks["3"] and example_respan
    assert "invalid against respan retrieve_custom_model 500 (2 violations)" in blocks["4"]
    assert "4 checked: 2 valid, 2 invalid, 0 unusable" in out


def _respan_body() -> object:
    import vendor_specs

    return vendor_specs.examples_for("respan", 200)["documented"]["value"]


def test_content_encoding_other_than_base64_is_unusable(cli, example, tmp_path: Path) -> None:
    url = "https://api.respan.ai/api/models/gpt-4/"
    doc = har(entry(url, 200, example("respan"), headers=AUTH, encoding="gzip"), entry(url, 200, example("respan")))
    doc["log"]["entries"][1]["request"]["headers"].append({"name": "Authorization", "value": "Bearer x"})
    doc["log"]["entries"][1]["response"]["content"]["encoding"] = ""  # empty: plain text, as some tools write
    code, out, _ = cli("--har", write(tmp_path, doc))
    assert code == 2
    assert "entry 1 GET https://api.respan.ai/api/models/gpt-4/: unusable against respan" in out
    assert "unusable: response.content.encoding 'gzip' is not supported: a HAR body is plain text or base64" in out
    assert "2 checked: 1 valid, 0 invalid, 1 unusable" in out
