"""contracts/findings.py: reproductions show every credential the same way and never as itself."""

from __future__ import annotations

from contracts.findings import curl_command, request_excerpt, response_excerpt


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


def test_tokens_that_are_prefixes_of_one_another_and_unknown_extensions_are_hidden_whole() -> None:
    secrets = {"T": "owner token", "T-77119": "reader token"}
    line = curl_command(
        "GET",
        "http://h/models/m?project_key=T-77119&other=T-5&key=T",
        [("authorization", "Bearer T"), ("x-blocks-key", "T-9"), ("cookie", "token=T-77119; s=T-1")],
        secrets,
    )
    assert "project_key=<reader token>&other=<unknown token>&key=<owner token>" in line, line
    assert "'Authorization: Bearer <owner token>'" in line and "'X-Blocks-Key: <unknown token>'" in line, line
    assert "'Cookie: token=<reader token>; s=<redacted>'" in line, line
    assert "77119" not in line and "T-" not in line


def test_excerpts_hide_credentials_whole() -> None:
    secrets = {"T": "owner token", "T-77119": "reader token"}
    request = request_excerpt("GET", "http://h/m?project_key=T-77", [("Authorization", "Bearer T-77119")], secrets)
    assert request == "GET http://h/m?project_key=<unknown token>\nAuthorization: Bearer <reader token>"
    body = b'{"detail": "Project key \'T-77\' is unknown", "echo": "T", "k": "sk-live-0123456789abcdefXYZ"}'
    shown = response_excerpt(400, "application/json", body, secrets)
    assert "'<unknown token>' is unknown" in shown and '"echo": "<owner token>"' in shown, shown
    assert "T-77" not in shown and "sk-live" not in shown
