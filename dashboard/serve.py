"""The server entry point: the app script (`app.py`) as an ASGI app with the security headers,
header mode's trusted proxy check (`dashboard/trusted_proxy.py`), the readiness address `/ready`
for load balancers, and the local mode's refusal to listen beyond this computer.

Three ways to start it, each checking the address before serving anything:
- `python -m dashboard.serve --server.address 127.0.0.1 --server.port 8501` (`make run`):
  checked before the port is even opened;
- `streamlit run dashboard/serve.py --server.address ...` or `uvicorn dashboard.serve:app`:
  checked at start-up, before the first request is answered, on `server.address` from the
  command line, the config file or STREAMLIT_SERVER_ADDRESS.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import streamlit as st
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from streamlit import config

from dashboard.security_headers import SecurityHeaders
from dashboard.trusted_proxy import TrustedProxy
from metrics import auth, doctor, operator_errors
from metrics.settings import Settings

APP_SCRIPT = Path(__file__).with_name("app.py")


@asynccontextmanager
async def _refuse_unsafe_address(_app: st.App) -> AsyncIterator[None]:
    # streamlit run or uvicorn: the config (command line, file, environment) is loaded by now,
    # and nothing is served until this returns
    auth.check_local_bind(config.get_option("server.address"))
    _mask_logs()
    yield


READY_TIMEOUT_SECONDS = 5.0


def _mask_logs() -> None:
    """Passwords masked in everything the app logs (Streamlit's loggers and the root's)."""
    for name in ("", "streamlit"):
        operator_errors.mask_logs(logging.getLogger(name))


async def ready(_request: Request) -> PlainTextResponse:
    """Readiness for a load balancer: 200 when the database answers at this version's schema,
    503 when it does not. No data in the reply (Streamlit's /_stcore/health says the process
    is up; this says it can serve pages)."""
    try:
        up = await asyncio.wait_for(
            asyncio.to_thread(doctor.database_ready, Settings().database_url),
            READY_TIMEOUT_SECONDS,
        )
    except TimeoutError:
        up = False
    if up:
        return PlainTextResponse("ready", headers={"Cache-Control": "no-store"})
    return PlainTextResponse("not ready", status_code=503, headers={"Cache-Control": "no-store"})


if Settings().auth_mode == "header":
    # The trusted proxy check needs the address a request really came from: uvicorn must not
    # replace it from X-Forwarded-For; TrustedProxy does that itself, for trusted proxies only.
    os.environ["FORWARDED_ALLOW_IPS"] = ""

app = st.App(
    APP_SCRIPT,
    routes=[Route("/ready", ready)],
    # TrustedProxy first: a refused request never reaches anything else
    middleware=[Middleware(TrustedProxy), Middleware(SecurityHeaders)],
    lifespan=_refuse_unsafe_address,
)


def parse(argv: Sequence[str]) -> dict[str, Any]:
    """The command line as Streamlit config overrides."""
    parser = argparse.ArgumentParser(prog="python -m dashboard.serve", description=__doc__)
    parser.add_argument("--server.address", dest="address", help="default: from the config")
    parser.add_argument("--server.port", dest="port", type=int, help="default: 8501")
    args = parser.parse_args(argv)
    overrides: dict[str, Any] = {}
    if args.address is not None:
        overrides["server.address"] = args.address
    if args.port is not None:
        overrides["server.port"] = args.port
    return overrides


def main(argv: Sequence[str] | None = None) -> None:
    overrides = parse(sys.argv[1:] if argv is None else argv)
    try:
        auth.check_local_bind(
            overrides.get("server.address") or config.get_option("server.address")
        )
    except auth.UnsafeBind as err:
        raise SystemExit(str(err)) from None
    app.run(config=overrides)


if __name__ == "__main__":
    main()
