"""contracts/findings.py: reproductions show every credential the same way and never as itself."""

from __future__ import annotations

from contracts.findings import curl_command


def test_every_credential_is_shown_by_its_role() -> None:
    line = curl_command(
        "GET",
        "http://127.0.0.1:9003/models/m?project_key=proj-alpha",
        [("authorization", "Bearer tok-owner"), ("x-blocks-key", "proj-alpha"), ("user-agent", "python-httpx")],
        {"tok-owner": "owner token", "proj-alpha": "owner project key"},
    )
    assert "tok-owner" not in line and "proj-alpha" not in line and "httpx" not in line
    assert "project_key=<owner project key>" in line
    assert "'Authorization: Bearer <owner token>'" in line and "'X-Blocks-Key: <owner project key>'" in line


def test_a_short_credential_never_rewrites_another_ones_placeholder() -> None:
    """One pass, longest first: the token `k` must not touch `<invalid token>` written for another."""
    secrets = {"k": "owner token", "invalid-key-1": "invalid token"}
    line = curl_command("GET", "http://h/x?k=k", [("authorization", "Bearer invalid-key-1")], secrets)
    assert "'Authorization: Bearer <invalid token>'" in line, line
    assert "x?<owner token>=<owner token>" in line, line  # a secret is hidden wherever it appears
