"""Header mode: identity headers believed only from MEASURES_TRUSTED_PROXIES; from anywhere else
refused (HTTP 403, or the WebSocket closed) and recorded in the audit log. And the readiness
address `/ready`, beside Streamlit's health check, for a load balancer."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from app_support import seeded_template_fixture  # noqa: F401 (fixture, by its short name)
from browser_support import demo_copy, served, serving
from failure_support import nothing_listening_url
from sqlalchemy.engine import Engine

from dashboard import trusted_proxy
from metrics import audit


def through(scope: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One request through the middleware: (what it sent back, the scopes the app was given)."""
    sent: list[dict[str, Any]] = []
    reached: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(dict(scope))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"the page"})

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(dict(message))

    asyncio.run(trusted_proxy.TrustedProxy(app)(scope, receive, send))
    return sent, reached


def request(client: str, headers: dict[str, str], kind: str = "http") -> dict[str, Any]:
    return {
        "type": kind, "scheme": "http" if kind == "http" else "ws", "path": "/",
        "client": (client, 50123),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }  # fmt: skip


@pytest.fixture(name="header_mode")
def header_mode_fixture(engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("MEASURES_DATABASE_URL", db_url)
    monkeypatch.setenv("MEASURES_AUTH_MODE", "header")
    monkeypatch.setenv("MEASURES_TRUSTED_PROXIES", "10.0.0.5, 10.1.0.0/16")
    return engine


def test_identity_headers_from_an_untrusted_address_are_refused_and_recorded(
    header_mode: Engine,
) -> None:
    claim = {"X-Forwarded-Email": "admin@council.example", "X-Forwarded-Groups": "admin"}
    sent, reached = through(request("192.0.2.9", claim))

    assert reached == []
    assert sent[0]["status"] == 403
    assert sent[1]["body"] == trusted_proxy.REFUSAL
    [event] = audit.events(header_mode, actions=[audit.REFUSED]).to_dicts()
    assert event["who"] == "untrusted address 192.0.2.9"
    assert event["detail"] == (
        "Identity headers (x-forwarded-email, x-forwarded-groups) claiming admin@council.example "
        "came from 192.0.2.9, which is not a trusted proxy (MEASURES_TRUSTED_PROXIES): refused."
    )


def test_the_websocket_is_closed_too(header_mode: Engine) -> None:
    sent, reached = through(request("192.0.2.9", {"Remote-User": "x"}, kind="websocket"))

    assert reached == []
    assert sent == [{"type": "websocket.close", "code": 1008}]


def test_the_proxy_is_believed_and_says_who_the_browser_is(header_mode: Engine) -> None:
    headers = {
        "X-Forwarded-Email": "ola@council.example",
        "X-Forwarded-For": "198.51.100.7, 10.1.2.3",  # the browser, then a second trusted proxy
        "X-Forwarded-Proto": "https",
    }
    sent, [scope] = through(request("10.0.0.5", headers))

    assert sent[0]["status"] == 200
    assert scope["client"] == ("198.51.100.7", 0)
    assert scope["scheme"] == "https"  # so HSTS is sent (dashboard/security_headers.py)
    assert audit.events(header_mode).height == 0


def test_a_request_naming_nobody_is_left_to_the_sign_in_screen(header_mode: Engine) -> None:
    sent, [scope] = through(request("192.0.2.9", {"Accept": "text/html"}))

    assert sent[0]["status"] == 200 and scope["client"] == ("192.0.2.9", 50123)


def test_other_modes_are_left_alone(header_mode: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEASURES_AUTH_MODE", "oidc")  # st.user comes from the signed cookie
    sent, reached = through(request("192.0.2.9", {"X-Forwarded-Email": "a@b.example"}))

    assert sent[0]["status"] == 200 and len(reached) == 1


# ---------------------------------------------------------------------------------------------
# The running app, as `make run` serves it
# ---------------------------------------------------------------------------------------------


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers or {}), timeout=30
        ) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


CLAIM = {"X-Forwarded-Email": "mallory@elsewhere.example", "X-Forwarded-Groups": "admin"}


def test_the_running_app_refuses_headers_from_anyone_but_the_proxy(
    seeded_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    database = demo_copy(seeded_template, tmp_path_factory, "proxy")
    env = {"MEASURES_AUTH_MODE": "header", "MEASURES_TRUSTED_PROXIES": "10.9.9.9"}
    with served(database, env) as base:
        status, body = get(base + "/", CLAIM)
        assert (status, body) == (403, trusted_proxy.REFUSAL)
        assert get(base + "/_stcore/health") == (200, b"ok")
        assert get(base + "/ready") == (200, b"ready")

    from metrics import api

    [event] = audit.events(api.engine(f"sqlite:///{database}"), actions=[audit.REFUSED]).to_dicts()
    assert event["who"] == "untrusted address 127.0.0.1"
    assert "claiming mallory@elsewhere.example" in event["detail"]


def test_the_running_app_believes_the_proxy_whatever_it_forwards(
    seeded_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # the proxy on this machine, passing on the browser's address: uvicorn must not have put
    # that address in place of the proxy's before the check
    database = demo_copy(seeded_template, tmp_path_factory, "proxy-trusted")
    env = {"MEASURES_AUTH_MODE": "header", "MEASURES_TRUSTED_PROXIES": "127.0.0.1"}
    with served(database, env) as base:
        status, _ = get(base + "/", CLAIM | {"X-Forwarded-For": "203.0.113.9"})
    assert status == 200


def test_ready_says_503_when_the_database_cannot_be_reached() -> None:
    with serving(nothing_listening_url()) as (base, _):
        assert get(base + "/_stcore/health") == (200, b"ok")  # the process is up
        assert get(base + "/ready") == (503, b"not ready")  # but it cannot serve pages
