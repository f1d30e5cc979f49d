"""The recorder as the proxy's hook, in process: what it learns from, and that no credential reaches the log."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import httpx
import pytest

from mock_server.fixtures import load_fixtures
from mock_server.proxy import Note, create_proxy_app
from mock_server.record.learning import Learning
from mock_server.record.recorder import Recorder
from mock_server.record.writing import Output
from tests.faults.reference import make_app, reference_profile
from tests.faults.serve import serve
from vendor_specs import HttpExchange as Exchange
from vendor_specs import Verdict

SELISE = reference_profile("selise")
OWNER, STRANGER = SELISE["tokens"]["owner"], SELISE["tokens"]["stranger"]


def _recorder(tmp_path: Path, api: str = "selise", **tokens: str) -> Recorder:
    learning = Learning(api, tokens, "p.yaml", make_token=lambda name: f"new-{name}")
    output = Output(api, tmp_path / "rec", header=["test"], base_url="http://127.0.0.1:9003")
    return Recorder(api, learning, output)


def test_shown_hides_known_and_unknown_credentials_in_the_query(tmp_path: Path) -> None:
    recorder = _recorder(tmp_path, owner="key/with space")
    assert recorder.shown("/models/m?project_key=key%2Fwith%20space") == "/models/m?project_key=<owner>"
    assert recorder.shown("/models/m?project_key=key%2Fwith+space&x=1") == "/models/m?project_key=<owner>&x=1"
    assert recorder.shown("/models/m?project_key=other-key") == "/models/m?project_key=<unknown token>"
    assert recorder.shown("/models/m") == "/models/m"
    # the one hider of every log and file (vendor_specs.Hider): in free text a known token is hidden wherever it
    # stands, and a longer token that contains it whole, so no piece of a credential is ever shown
    short = _recorder(tmp_path, owner="k")
    assert short.shown("/models/x?project_key=k&q=kk") == "/models/x?project_key=<owner>&q=<unknown token>"


def test_only_conforming_200s_of_the_model_operation_are_learnt(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = _recorder(tmp_path, "respan")
    body = b'{"id": "x"}'
    for status, verdict in [(404, Verdict("retrieve_custom_model")), (200, Verdict(None))]:
        assert recorder.observe(Exchange("GET", "/api/models/x/", b"", [], status, [], body), verdict, body) is None
    assert recorder.learning.model_count == 0 and not caplog.records  # nothing to learn, nothing to say
    noted = Verdict("retrieve_custom_model", note="response not validated: Content-Encoding br is not decoded")
    exchange = Exchange("GET", "/api/models/x/", b"", [], 200, [], body)
    with caplog.at_level(logging.INFO, "mock_server.record"):
        note = recorder.observe(exchange, noted, body)
        assert note == Note("not recorded: it was not validated", logging.WARNING, {"recorded": False})
        assert not caplog.records  # said on the exchange's own line, by the proxy or (--har) by say()
        recorder.say(exchange, noted, note)
    assert caplog.messages == [
        "record GET /api/models/x/ -> 200: response not validated: Content-Encoding br is not decoded; "
        "not recorded: it was not validated"
    ]


def test_through_the_proxy_no_credential_reaches_the_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    recorder = _recorder(tmp_path, owner=OWNER, stranger=STRANGER)

    async def exchange(url: str) -> list[int]:
        app = create_proxy_app("selise", url, observer=recorder)
        statuses = []
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://recorder") as client:
            for query, headers in [
                ({"project_key": OWNER}, {}),  # the query carries the key: shown as <owner>
                ({}, {"X-Blocks-Key": STRANGER}),  # refused (422): a header is never logged anyway
                ({"project_key": "someone-else"}, {}),  # unknown: 400, shown as <unknown token>
            ]:
                answer = await client.get("/models/model_123", params=query, headers=headers)
                statuses.append(answer.status_code)
        await app.aclose()
        return statuses

    with serve(make_app("selise")) as url, caplog.at_level(logging.INFO, "mock_server"):
        assert asyncio.run(exchange(url)) == [200, 422, 400]
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("mock_server")]  # not the test client's
    text = "\n".join(ours) + (tmp_path / "rec" / "selise.yaml").read_text()
    assert OWNER not in text and STRANGER not in text and "someone-else" not in text
    # one line per exchange: the proxy's verdict, then what was learnt from it; the files written after it
    learnt = "record GET /models/model_123?project_key=<owner> -> 200: conforms; model model_123 learnt from owner"
    assert ours[0] == learnt, ours
    assert ours[1].startswith("record: identity owner:") and ours[3].startswith("record: wrote ")
    assert "record GET /models/model_123?project_key=<unknown token> -> 400: conforms" in ours
    assert len([line for line in ours if line.startswith("record GET")]) == 3, ours
    recorded = load_fixtures("selise", tmp_path / "rec" / "selise.yaml")
    assert recorded.models["model_123"]["ProjectKey"] == "new-owner" == recorded.identities["owner"]["token"]
