"""Small reference implementations of the three vendors, each fault switchable by name.

Without faults an app is conformant (the harness must pass it); every fault in ``catalogue.py`` turns
on exactly one deviation. Bodies are built from the spec's own examples and the app's profile
(``data/<api>.yaml``): tokens and model ids are read from there, nothing is restated here.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from vendor_specs import examples_for

DATA = Path(__file__).resolve().parent / "data"


def reference_profile(api: str) -> dict[str, Any]:
    return yaml.safe_load((DATA / f"{api}.yaml").read_text(encoding="utf-8"))


def _example(api: str, status: int, name: str) -> Any:
    return copy.deepcopy(examples_for(api, status)[name]["value"])


def _error(api: str, status: int, name: str, faults: frozenset[str]) -> Response:
    body = _example(api, status, name)
    if "problem_json" in faults:
        problem = {"type": "about:blank", "title": "Error", "status": status, "detail": str(body)}
        return JSONResponse(problem, status_code=status, media_type="application/problem+json")
    if "error_body_shape" in faults:
        return JSONResponse({"error": body}, status_code=status)
    if "real_server_wording" in faults and isinstance(body, dict) and isinstance(body.get("detail"), str):
        body["detail"] = "We could not find what you're looking for :/"
    return JSONResponse(body, status_code=status)


def _bearer(request: Request) -> str | None:
    value = request.headers.get("authorization")
    if value is None:
        return None
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def _maybe_hang(faults: frozenset[str], ident: str, own: str, known: object = ()) -> None:
    if "hang_on_own_model" in faults and ident == own:
        await asyncio.sleep(30)
    if "hang_on_unknown_model" in faults and ident not in known:  # type: ignore[operator]
        await asyncio.sleep(600)


# --------------------------------------------------------------------------- Open WebUI
def openwebui_app(faults: frozenset[str] = frozenset(), prefix: str = "") -> Starlette:
    api = "openwebui"
    prof = reference_profile(api)
    tokens, models = prof["tokens"], prof["models"]
    users = {tokens["owner"]: "u-owner", tokens["stranger"]: "u-stranger", tokens["reader"]: "u-reader"}
    users[tokens["admin"]] = "u-admin"
    template = _example(api, 200, "documented")

    def model(ident: str, owner: str, grants: list[dict[str, Any]]) -> dict[str, Any]:
        body = copy.deepcopy(template)
        body.update(id=ident, user_id=owner, access_grants=grants)
        body["user"] = {**body["user"], "id": owner}  # the page: both name the user who created the model
        return body

    store = {
        models["own"]: model(
            models["own"], "u-owner", [{"access_type": "user", "access_id": "u-reader", "permission": "read"}]
        ),
        models["shared"]: model(
            models["shared"], "u-admin", [{"access_type": "user", "access_id": "*", "permission": "read"}]
        ),
    }

    async def get_model(request: Request) -> Response:
        if "html_200" in faults:
            return HTMLResponse("<!doctype html><html><body>Open WebUI</body></html>")
        token = _bearer(request)
        if token is None and "auth_ignored" not in faults:
            return _error(api, 401, "access_prohibited", faults)  # the page's one 401 body
        user = users.get(token or "")
        if user is None and token is not None and "bad_token_accepted" not in faults:
            return _error(api, 401, "access_prohibited", faults)
        user = user or "u-admin"
        ident = request.query_params.get("id")
        if ident is None:
            if "missing_id_accepted" in faults:
                return JSONResponse(store[models["shared"]])
            body = _example(api, 422, "missing_id")
            return JSONResponse(body, status_code=422)
        await _maybe_hang(faults, ident, models["own"])
        if "crash_on_unusual_id" in faults and any(
            not (c.isascii() and c.isalnum()) and c not in "-_:/." for c in ident
        ):
            return PlainTextResponse("Internal Server Error", status_code=500)
        if "undocumented_400" in faults and any(not (c.isalnum() or c in "-_:/.") for c in ident):
            return JSONResponse({"detail": "Invalid model id"}, status_code=400)
        found = store.get(ident)
        if found is None:
            return _error(api, 404, "model_not_found", faults)
        write = user == "u-admin" or found["user_id"] == user
        read = write or any(g["access_id"] in (user, "*") for g in found["access_grants"])
        if "owner_refused_own_model" in faults and found["user_id"] == user:
            write = read = False  # ownership is ignored: the owner needs a grant like everyone else
        if not read and "leak_other_model" not in faults:
            return _error(api, 401, "access_prohibited", faults)
        body = copy.deepcopy(found)
        body["write_access"] = write or ("reader_write_access" in faults and user == "u-reader")
        if not write and "params_not_stripped" not in faults:
            body["params"] = {}
        if "wrong_field_type" in faults:
            body["created_at"] = "2024-01-01"
        if "null_profile_image_url" in faults:
            body["meta"]["profile_image_url"] = None
        if "timestamps_in_milliseconds" in faults:
            body["created_at"] *= 1000
            body["updated_at"] *= 1000
        return JSONResponse(body)

    return Starlette(routes=[Route(prefix + "/models/model", get_model)])


#: faults that only the spec's own example id triggers: only Schemathesis' examples phase sends it (the
#: explicit cases send the profile's ids), so each is caught by a check registered with Schemathesis or not at all
EXAMPLE_ID_FAULTS = frozenset({"example_id_wrong_identity", "example_id_bad_error", "example_id_bad_timestamps"})


def _example_id_answer(faults: frozenset[str], other: dict[str, Any], name: str) -> Response:
    if "example_id_bad_error" in faults:
        return JSONResponse({"message": f"{name} is gone"}, status_code=404)
    body = copy.deepcopy(other)
    if "example_id_bad_timestamps" in faults:
        body.update(id=name, model_name=name, updated_at="2024-01-01T00:00:00Z")
    return JSONResponse(body)  # example_id_wrong_identity: another model's body, its own id


# --------------------------------------------------------------------------- Respan
def respan_app(faults: frozenset[str] = frozenset(), prefix: str = "") -> Starlette:
    api = "respan"
    prof = reference_profile(api)
    tokens, models = prof["tokens"], prof["models"]
    orgs = {tokens["owner"]: 1, tokens["stranger"]: 2}
    template = _example(api, 200, "documented")

    def model(name: str, org: int | None) -> dict[str, Any]:
        body = copy.deepcopy(template)
        body.update(id=name, model_name=name)
        body["created_at"] = "2025-01-01T00:00:00Z"
        body["updated_at"] = "2025-06-01T00:00:00Z"
        if org is None:
            body.update(affiliation_category="openai", source="hardcoded", provider=None)
        else:
            body["provider"]["organization_id"] = org
        return body

    store = {models["own"]: (model(models["own"], 1), 1), models["shared"]: (model(models["shared"], None), None)}
    documented_name = _example(api, 200, "documented")["model_name"]

    async def get_model(request: Request) -> Response:
        if "variant_gateway_token" in faults and request.headers.get("x-gateway-token") != "gw-secret-1":
            return PlainTextResponse("gateway: missing X-Gateway-Token", status_code=502)
        if "literal_slash_not_routed" in faults and "/" in request.path_params["name"]:
            return _error(api, 404, "not_found", faults)
        token = _bearer(request)
        if token is None:
            if "auth_ignored" not in faults:
                return _error(api, 401, "not_provided", faults)
        elif token not in orgs:
            legacy = "legacy_token_accepted" in faults and token.isupper()  # "service keys": never looked up
            if not legacy and "bad_token_accepted" not in faults:
                # variant_bad_token_page_text is not a fault: the page gives no wrong-key text, its 401 text will do
                wording = "not_provided" if "variant_bad_token_page_text" in faults else "invalid_token"
                return _error(api, 401, wording, faults)
        org = orgs.get(token or "", 1)
        if "percent_2f_not_decoded" in faults:
            raw = request.scope.get("raw_path", b"").decode("latin-1")
            name = raw[len(prefix + "/api/models/") : -1]
        else:
            name = request.path_params["name"]
        await _maybe_hang(faults, name, models["own"], store)
        if "variant_slow_answers" in faults:  # not a fault: a conformant server that takes its time
            await asyncio.sleep(0.05)
        if name == documented_name and faults & EXAMPLE_ID_FAULTS:
            return _example_id_answer(faults, store[models["shared"]][0], name)
        found = store.get(name)
        if found is None:
            if "missing_model_400" in faults:
                return JSONResponse({"detail": "Not found."}, status_code=400)
            if "error_text_plain" in faults:
                return PlainTextResponse("Not found.", status_code=404)
            return _error(api, 404, "not_found", faults)
        body, owner = copy.deepcopy(found[0]), found[1]
        if "owner_refused_own_model" in faults and owner is not None:
            org = 0  # the organisation lookup is broken: nobody owns a custom model
        if owner is not None and owner != org and "leak_other_model" not in faults:
            return _error(api, 403, "owned_by_others", faults)
        if "missing_required_field" in faults:
            del body["display_name"]
        raw_path = request.scope.get("raw_path", b"").decode("latin-1")
        if "literal_slash_missing_field" in faults and "/" in raw_path[len(prefix + "/api/models/") : -1]:
            del body["display_name"]  # only a literal slash in the path (the explicit identity case sends one)
        if "wrong_id_returned" in faults:
            body["id"] = body["model_name"] = name.rsplit("/", 1)[-1]
        if "updated_before_created" in faults:
            body["updated_at"] = "2024-01-01T00:00:00Z"
        return JSONResponse(body)

    return Starlette(routes=[Route(prefix + "/api/models/{name:path}/", get_model)])


# --------------------------------------------------------------------------- SELISE
def selise_app(faults: frozenset[str] = frozenset(), prefix: str = "") -> Starlette:
    api = "selise"
    prof = reference_profile(api)
    tokens, models = prof["tokens"], prof["models"]
    template = _example(api, 200, "documented")
    body = copy.deepcopy(template)
    body.update(_id=models["own"], ProjectKey=tokens["owner"])
    store = {models["own"]: body}
    secret = "sk-live-0123456789abcdef"

    async def get_model(request: Request) -> Response:
        key = request.query_params.get("project_key") or request.headers.get("x-blocks-key")
        if key is None and "project_key_optional" not in faults:
            return _error(api, 400, "bad_request", faults)
        key = key or tokens["owner"]
        documented_key = _example(api, 200, "documented")["ProjectKey"]
        if "example_key_unmasked" in faults and request.query_params.get("project_key") == documented_key:
            return JSONResponse({**store[models["own"]], "ApiKey": secret})
        if "bad_token_accepted" in faults and key not in (tokens["owner"], tokens["stranger"]):
            key = tokens["owner"]
        if key not in (tokens["owner"], tokens["stranger"]):
            unknown = _example(api, 400, "bad_request")
            unknown["detail"] = f"Unknown project key {key!r}"
            return JSONResponse(unknown, status_code=400)
        ident = request.path_params["model_id"]
        found = store.get(ident)
        if found is None:
            if "variant_missing_422" in faults:  # not a fault: the page's own 422 "model not found" example
                return JSONResponse(_example(api, 422, "documented"), status_code=422)
            return _error(api, 404, "model_not_found", faults)
        if found["ProjectKey"] != key and "leak_other_model" not in faults:
            return JSONResponse(_example(api, 422, "documented"), status_code=422)
        out = copy.deepcopy(found)
        if "unmasked_api_key" in faults:
            out["ApiKey"] = secret
        if "bad_timestamp" in faults:
            out["LastUpdatedDate"] = "2020-01-01T00:00:00Z"
        if "non_iso_timestamp" in faults:
            out["CreatedDate"] = "Mon, 01 Jan 2024 10:00:00 GMT"  # RFC 1123 (an HTTP date), not ISO 8601
        return JSONResponse(out)

    async def unrouted(request: Request, exc: Exception) -> Response:  # FastAPI answers unrouted paths in JSON too
        return _error(api, 404, "model_not_found", faults)

    return Starlette(routes=[Route(prefix + "/models/{model_id}", get_model)], exception_handlers={404: unrouted})


APPS: dict[str, Callable[..., Starlette]] = {"openwebui": openwebui_app, "respan": respan_app, "selise": selise_app}


def make_app(api: str, faults: frozenset[str] | set[str] = frozenset(), prefix: str = "") -> Starlette:
    return APPS[api](frozenset(faults), prefix)
