"""The browser security headers: the middleware on its own, the running app's responses (as
`make run` serves it: `python -m dashboard.serve`), and every page working in Chromium under its
Content-Security-Policy without a single violation.
"""

from __future__ import annotations

import asyncio
import urllib.request
from typing import Any

import pytest
from app_support import seeded_template_fixture  # noqa: F401 (fixtures, by their short names)
from browser_support import (  # noqa: F401
    app_address_fixture,
    browser_fixture,
    errors_shown,
    open_page,
    page_fixture,
)

from dashboard.security_headers import SecurityHeaders

EXPECTED = {
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "x-content-type-options": "nosniff",
}
# What the policy must say, directive by directive.
CSP_MUST = [
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "connect-src 'self'",
]


def _csp(value: str) -> dict[str, str]:
    """A Content-Security-Policy as {directive: sources}."""
    parts = [p.strip().split(" ", 1) for p in value.split(";") if p.strip()]
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


# ---------------------------------------------------------------------------------------------
# The middleware alone
# ---------------------------------------------------------------------------------------------


def _through_middleware(scope: dict[str, Any]) -> dict[str, str]:
    """Run one request through the middleware around an app that sets one header of its own."""
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain")]})  # fmt: skip
        await send({"type": "http.response.body", "body": b"ok"})

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(SecurityHeaders(app)(scope, receive, send))
    return {k.decode().lower(): v.decode() for k, v in sent[0]["headers"]}


def test_every_http_response_gets_the_headers_and_keeps_its_own() -> None:
    headers = _through_middleware({"type": "http", "scheme": "http", "path": "/"})

    assert headers["content-type"] == "text/plain"
    for name, value in EXPECTED.items():
        assert headers[name] == value
    policy = _csp(headers["content-security-policy"])
    for directive in CSP_MUST:
        name, sources = directive.split(" ", 1)
        assert policy[name] == sources
    # no inline scripts but Streamlit's one known line (by its hash), and no eval
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    # HSTS means nothing over plain HTTP, so it is not sent
    assert "strict-transport-security" not in headers


def test_hsts_is_sent_over_https() -> None:
    headers = _through_middleware({"type": "http", "scheme": "https", "path": "/"})
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_the_websocket_is_passed_through_untouched() -> None:
    seen: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope)

    async def noop(*_: Any) -> Any:
        return None

    asyncio.run(SecurityHeaders(app)({"type": "websocket", "path": "/_stcore/stream"}, noop, noop))
    assert seen == [{"type": "websocket", "path": "/_stcore/stream"}]


# ---------------------------------------------------------------------------------------------
# The running app
# ---------------------------------------------------------------------------------------------


def _headers(url: str, **extra: str) -> dict[str, str]:
    request = urllib.request.Request(url, headers=extra)
    with urllib.request.urlopen(request, timeout=30) as response:
        return {k.lower(): v for k, v in response.headers.items()}


@pytest.mark.parametrize("path", ["/", "/upload", "/_stcore/health", "/_stcore/host-config"])
def test_the_running_apps_responses_carry_the_security_headers(app_address: str, path: str) -> None:
    headers = _headers(app_address + path)

    for name, value in EXPECTED.items():
        assert headers[name] == value, name
    policy = _csp(headers["content-security-policy"])
    assert policy["frame-ancestors"] == "'none'"
    assert policy["default-src"] == "'self'"
    assert "strict-transport-security" not in headers


def test_behind_a_proxy_that_ended_https_the_app_sends_hsts(app_address: str) -> None:
    # uvicorn trusts X-Forwarded-Proto from 127.0.0.1, where the proxy runs (FORWARDED_ALLOW_IPS
    # names the proxy when it runs elsewhere)
    headers = _headers(app_address + "/", **{"X-Forwarded-Proto": "https"})
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


# ---------------------------------------------------------------------------------------------
# Every page under the policy, in Chromium
# ---------------------------------------------------------------------------------------------

PAGES = [
    "", "priority-1", "priority-5", "action-plan", "population", "about", "upload",
    "data-audit", "targets", "audit-log",
    "indicator?indicator=ehc_20wk_excl_exceptions&period=2023",
]  # fmt: skip
# pages whose charts must draw under the policy, with how many at least
CHARTS = {"priority-1": 5, "population": 5}


@pytest.mark.browser
def test_every_page_works_under_the_policy_without_a_violation(page: Any, app_address: str) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    # nothing may be fetched from another site (the favicon included)
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda r: (
            None if r.url.startswith((app_address, "data:", "blob:")) else elsewhere.append(r.url)
        ),
    )
    for path in PAGES:
        open_page(page, f"{app_address}/{path}")
        assert errors_shown(page) == 0, path
        drawn = page.locator('[data-testid="stVegaLiteChart"] :is(canvas, svg)').count()
        assert drawn >= CHARTS.get(path, 0), (path, drawn)

    assert violations == []
    assert elsewhere == []
