"""Header mode: identity headers believed only from the proxy addresses the operator lists.

In header mode (MEASURES_AUTH_MODE=header) the authenticating proxy names the signed-in person
in headers that Streamlit copies into `st.user`. Anyone who can reach the app directly could
send those headers too, so this middleware (added by `dashboard/serve.py`) refuses any request
(page, WebSocket or file) that carries an identity header and does not come from an address in
MEASURES_TRUSTED_PROXIES, and records the refusal in the audit log.

The check needs the address the request really came from. uvicorn would otherwise replace it
with the first address in X-Forwarded-For when the peer is one it trusts, so in header mode
`serve.py` turns that off and this middleware does it itself, for trusted proxies only:
X-Forwarded-Proto (so HTTPS ended at the proxy still gets HSTS) and X-Forwarded-For (the
browser's address, for Streamlit's `st.context.ip_address`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from metrics import audit, auth
from metrics.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_LOG = logging.getLogger(__name__)
REFUSAL = (
    b"Refused: this request names a signed-in person but did not come through the council's "
    b"sign-in gateway. Open the dashboard through the gateway's address."
)
AUDIT_EVERY_SECONDS = 60.0  # one audit event per address a minute, however many requests
WHO = "untrusted address {address}"


def configured_headers() -> frozenset[str]:
    """The header names Streamlit is set to copy into st.user (server.trustedUserHeaders)."""
    try:
        from streamlit import config

        mapping = config.get_option("server.trustedUserHeaders") or {}
    except Exception:  # no Streamlit config loaded: the standard names still apply
        return frozenset()
    return frozenset(str(name).lower() for name in mapping)


def record_refusal(address: str, names: list[str], claimed: str) -> None:
    """The audit event for one refused request (the database as the app uses it)."""
    from metrics.db import store

    engine = store.engine_for(Settings().database_url)
    detail = (
        f"Identity headers ({', '.join(names)}) claiming {claimed or 'nobody'} came from "
        f"{address}, which is not a trusted proxy (MEASURES_TRUSTED_PROXIES): refused."
    )
    audit.record(engine, audit.REFUSED, WHO.format(address=address), detail)


class TrustedProxy:
    """Refuse identity headers from untrusted addresses (header mode only)."""

    def __init__(self, app: ASGIApp, recorder: Callable[[str, list[str], str], None] | None = None):
        self.app = app
        self.recorder = recorder or record_refusal
        self._last_audit: dict[str, float] = {}
        # read once, when the server starts: not on every request (each page load makes dozens)
        self.settings = Settings()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        settings = self.settings
        if scope["type"] not in ("http", "websocket") or settings.auth_mode != "header":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else ""
        headers = [(k.decode("latin-1").lower(), v) for k, v in scope.get("headers", [])]
        if auth.is_trusted_proxy(address, settings):
            _forwarded(scope, headers, settings)
            await self.app(scope, receive, send)
            return
        configured = configured_headers()
        names = sorted({k for k, _ in headers if auth.is_identity_header(k, configured)})
        if not names:  # nobody claimed: the app's own sign-in screen refuses it
            await self.app(scope, receive, send)
            return
        claimed = next(
            (v.decode("latin-1") for k, v in headers if k in ("x-forwarded-email", "remote-user")),
            "",
        )
        await self._audit(address or "unknown", names, claimed[:200])
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")],
            }
        )
        await send({"type": "http.response.body", "body": REFUSAL})

    async def _audit(self, address: str, names: list[str], claimed: str) -> None:
        now = time.monotonic()
        if now - self._last_audit.get(address, -AUDIT_EVERY_SECONDS) < AUDIT_EVERY_SECONDS:
            return
        self._last_audit[address] = now
        try:
            await asyncio.to_thread(self.recorder, address, names, claimed)
        except Exception:  # the refusal stands even if the log cannot be written
            _LOG.exception("could not record a refused identity header in the audit log")


def _forwarded(scope: Scope, headers: list[tuple[str, bytes]], settings: Settings) -> None:
    """What uvicorn's proxy-header handling does, for a trusted proxy's request only."""
    values = dict(headers)
    proto = values.get("x-forwarded-proto", b"").decode("latin-1").strip().lower()
    if proto in ("http", "https"):
        scope["scheme"] = proto.replace("http", "ws") if scope["type"] == "websocket" else proto
    forwarded_for = values.get("x-forwarded-for", b"").decode("latin-1")
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    # the nearest hop that is not itself a trusted proxy is the browser
    for hop in reversed(hops):
        if not auth.is_trusted_proxy(hop, settings):
            scope["client"] = (hop, 0)
            break
