"""``--wait``: a server that is still starting is waited for; ``-H``: headers added to every request."""

from __future__ import annotations

import threading
import time

import pytest

from contracts.cli import main
from tests.contracts.fixtures import closed_port, respan_check
from tests.faults.reference import make_app
from tests.faults.serve import serve, serve_on

pytestmark = pytest.mark.slow


def test_wait_for_a_server_that_starts_late(capsys: pytest.CaptureFixture[str]) -> None:
    port = closed_port()
    stop = threading.Event()

    def start_later() -> None:
        time.sleep(1.5)
        with serve_on(make_app("respan"), port):
            stop.wait(60)

    thread = threading.Thread(target=start_later, daemon=True)
    thread.start()
    try:
        code = main(respan_check(f"http://127.0.0.1:{port}", "--wait", "20"))
    finally:
        stop.set()
        thread.join(10)
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    assert f"waiting up to 20 s for http://127.0.0.1:{port} to answer" in captured.err


def test_wait_gives_up_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    code = main(respan_check(f"http://127.0.0.1:{closed_port()}", "--wait", "1"))
    err = capsys.readouterr().err
    assert code == 2 and time.monotonic() - started < 10
    assert "did not answer within --wait 1 s" in err and "connection refused" in err


def test_without_wait_a_down_target_is_exit_2_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(respan_check(f"http://127.0.0.1:{closed_port()}")) == 2
    assert "connection refused" in capsys.readouterr().err


def test_headers_reach_every_request_and_stay_hidden(capsys: pytest.CaptureFixture[str]) -> None:
    with serve(make_app("respan", {"variant_gateway_token", "wrong_id_returned"})) as url:
        code = main(respan_check(url, "-H", "X-Gateway-Token: gw-secret-1"))
    out = capsys.readouterr().out
    assert code == 1 and "== identity:" in out, out  # the gateway let every request through
    assert "not_a_server_error" not in out.split("Checks run:")[0], out
    assert "-H 'X-Gateway-Token: <X-Gateway-Token value>'" in out and "gw-secret-1" not in out


def test_without_the_header_the_gateway_refuses(capsys: pytest.CaptureFixture[str]) -> None:
    with serve(make_app("respan", {"variant_gateway_token"})) as url:
        code = main(respan_check(url, "--no-property-based"))
    assert code == 1 and "502" in capsys.readouterr().out


@pytest.mark.parametrize("header", ["no colon", "Bad Name: x", ": empty"])
def test_malformed_header_is_a_usage_error(header: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(respan_check("http://127.0.0.1:9", "-H", header)) == 2
    assert "is not 'Name: value'" in capsys.readouterr().err
