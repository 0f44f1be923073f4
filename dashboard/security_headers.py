"""ASGI middleware that adds the browser security headers to every HTTP response of the app.

Added by `dashboard/serve.py` through `st.App(middleware=...)`. A reverse proxy in front may
set the same headers again (deploy/nginx.conf does, for responses it makes itself); the values
are the same, so either layer alone is enough.

The Content-Security-Policy is as tight as Streamlit's front end allows: scripts only from the
app itself (plus the one inline line of Streamlit's index.html, by its hash; no eval), styles
from the app and inline (Streamlit and its charts set style attributes), images and fonts from
the app or data: URLs. Nothing is loaded from another site, and no other site may frame the
dashboard. tests/test_security_headers.py opens every page in Chromium under this policy and
fails on any violation.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import streamlit
from starlette.datastructures import MutableHeaders

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _inline_script_hashes() -> str:
    """CSP hashes of the inline scripts in Streamlit's own index.html (one line setting
    `window.prerenderReady`), worked out from the installed Streamlit so they follow upgrades."""
    index = Path(streamlit.__file__).parent / "static" / "index.html"
    text = index.read_text(encoding="utf-8") if index.is_file() else ""
    bodies = re.findall(r"<script>(.*?)</script>", text, flags=re.DOTALL)
    return " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()}'" for b in bodies
    )


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' {_inline_script_hashes()}".strip(),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "media-src 'self' data: blob:",
        "worker-src 'self' blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000; includeSubDomains"
HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def headers_for(scheme: str) -> dict[str, str]:
    """The headers for a response; HSTS only over HTTPS, where browsers honour it."""
    return HEADERS | ({"Strict-Transport-Security": HSTS} if scheme == "https" else {})


class SecurityHeaders:
    """Set the security headers on every HTTP response (not on the WebSocket)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # uvicorn sets the scheme from X-Forwarded-Proto when the proxy is trusted
        # (--forwarded-allow-ips), so HTTPS ended at the proxy still counts
        wanted = headers_for(scope.get("scheme", "http"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in wanted.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
