"""Values that look like credentials to a name or a pattern and are not: a masked key that shows its kind or its
auth scheme, special tokens of a tokenizer, URLs with an ordinary `key=` parameter, placeholders, references to a
secret store. No finding, on a SELISE server (where the masking rule is a failure); and a server that throttles
repeated failed attempts with 429 still refuses."""

from __future__ import annotations

import json
from typing import Any

import pytest

from contracts.cli import main
from contracts.masking import unmasked
from tests.contracts.fixtures import reference_profile
from tests.faults.reference import make_app
from tests.faults.serve import serve
from vendor_specs import base_path

LOOKALIKES = {
    "ApiKey": "sk-proj-************************cdef",
    "CustomHeaders": {"X-Custom-Header": "value", "Authorization": "Bearer ***masked***"},
    "CustomParameters": {
        "bos_token": "<|begin_of_text|>",
        "eos_token": "<|end_of_text|>",
        "prompt_template_url": "https://storage.acme.example/download?key=templates/summarise-v2.txt",
        "tokenizer_config": json.dumps({"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"}),
        "api-key": "@Microsoft.KeyVault(SecretUri=https://vault.example/secrets/aoai-key/)",
    },
    "Description": "Call it with 'Authorization: Bearer YOUR_AZURE_OPENAI_KEY'; see "
    "https://docs.acme.example/models?key=context-window for limits.",
}


@pytest.mark.parametrize(("name", "value"), [(k, v) for k, v in LOOKALIKES.items() if isinstance(v, str)])
def test_a_lookalike_is_not_unmasked(name: str, value: str) -> None:
    assert not unmasked("selise", name, value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ApiKey", "sk-live-0123456789abcdef"),
        ("BaseUrl", "https://acme.openai.azure.com/openai?api-key=3f2a9c4e7b1d4a6f8e0c2b5d9a7f1e3c"),
        ("Ocp-Apim-Subscription-Key", "3f2a9c4e7b1d4a6f8e0c2b5d9a7f1e3c"),
        ("token", "Bearer abcdefghijklmnop1234"),
    ],
)
def test_a_real_key_still_is(name: str, value: str) -> None:
    assert unmasked("selise", name, value)


def with_lookalikes(app: Any) -> Any:
    """``app``, every 200 JSON body of it carrying the lookalikes."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        start: dict[str, Any] = {}

        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            body = message.get("body", b"")
            if start.get("status") == 200 and body:
                data = json.loads(body)
                data.update(LOOKALIKES)
                data["CustomParameters"] = {**LOOKALIKES["CustomParameters"]}
                body = json.dumps(data).encode()
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
            await send({**message, "body": body})

        await app(scope, receive, sending)

    return wrapped


def throttling(app: Any) -> Any:
    """``app``, answering 429 (Retry-After) to a request refused twice before: a limit on failed attempts."""
    refused: dict[bytes, int] = {}

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        key = scope["raw_path"] + scope["query_string"] + repr(sorted(scope["headers"])).encode()
        if refused.get(key, 0) >= 2:
            await send({"type": "http.response.start", "status": 429, "headers": [(b"retry-after", b"5")]})
            await send({"type": "http.response.body", "body": b""})
            return

        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start" and message["status"] >= 400:
                refused[key] = refused.get(key, 0) + 1
            await send(message)

        await app(scope, receive, sending)

    return wrapped


@pytest.mark.parametrize("wrap", [with_lookalikes, throttling])
def test_a_server_following_the_page_passes(wrap: Any, capsys: pytest.CaptureFixture[str]) -> None:
    app = wrap(make_app("selise", prefix=base_path("selise")))
    with serve(app) as url:
        code = main(
            ["check", "--api", "selise", "--base-url", url, "--profile", reference_profile("selise")]
            + ["--no-property-based"]
        )
    out = capsys.readouterr().out
    assert code == 0 and "0 failure(s)" in out, out
