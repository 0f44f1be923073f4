"""Local mode (one person, every role, no sign-in) refuses to start on an address other
computers can reach, unless the operator overrides that on purpose (dashboard/serve.py).

The refusals are tested by starting the real entry points: none of them ever listens on a
non-loopback address, because each stops before it would.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest
from app_support import ROOT
from streamlit import config

from dashboard import serve
from metrics import auth

REFUSAL = "Refusing to start: local mode gives everyone who can reach the dashboard every role"
START_SECONDS = 60


def _local_env(tmp_path_str: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEASURES_")}
    return env | {
        "MEASURES_AUTH_MODE": "local",
        "MEASURES_DATABASE_URL": f"sqlite:///{tmp_path_str}/measures.sqlite3",
    }


def _port_is_closed(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) != 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=START_SECONDS
    )


def test_make_runs_entry_point_refuses_a_non_loopback_address_before_opening_the_port(
    tmp_path: os.PathLike[str],
) -> None:
    port = _free_port()
    done = _run(
        [sys.executable, "-m", "dashboard.serve", "--server.address", "0.0.0.0",
         "--server.port", str(port)],
        _local_env(str(tmp_path)),
    )  # fmt: skip

    assert done.returncode == 1
    assert REFUSAL in done.stderr
    assert "asked to listen on 0.0.0.0" in done.stderr
    assert "MEASURES_LOCAL_ALLOW_REMOTE=true" in done.stderr
    assert _port_is_closed(port)


def test_no_address_at_all_means_every_interface_and_is_refused(
    tmp_path: os.PathLike[str],
) -> None:
    # Streamlit's default is to listen on every interface
    port = _free_port()
    done = _run(
        [sys.executable, "-m", "dashboard.serve", "--server.port", str(port)],
        _local_env(str(tmp_path)),
    )

    assert done.returncode == 1
    assert "every network interface (no server.address set)" in done.stderr
    assert _port_is_closed(port)


def test_started_by_an_asgi_server_it_refuses_before_answering_anything(
    tmp_path: os.PathLike[str],
) -> None:
    # uvicorn's --host is not Streamlit's server.address: with none set, local mode cannot tell
    # where it is served, so it refuses at start-up and never serves a request
    port = _free_port()
    done = _run(
        [sys.executable, "-m", "uvicorn", "dashboard.serve:app", "--host", "127.0.0.1",
         "--port", str(port)],
        _local_env(str(tmp_path)),
    )  # fmt: skip

    assert done.returncode != 0
    assert REFUSAL in done.stderr
    assert _port_is_closed(port)


SetAddress = Callable[[str | None], None]


@pytest.fixture
def configured_address() -> Iterator[SetAddress]:
    """Set Streamlit's server.address for one test, and put it back."""
    before = config.get_option("server.address")

    def set_to(address: str | None) -> None:
        config.set_option("server.address", address)

    yield set_to
    config.set_option("server.address", before)


async def _start_up() -> None:
    async with serve._refuse_unsafe_address(serve.app):
        pass


def test_the_start_up_check_reads_streamlits_address(
    configured_address: SetAddress, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEASURES_AUTH_MODE", "local")
    monkeypatch.delenv("MEASURES_LOCAL_ALLOW_REMOTE", raising=False)
    configured_address("0.0.0.0")
    with pytest.raises(auth.UnsafeBind, match=r"listen on 0\.0\.0\.0"):
        asyncio.run(_start_up())

    configured_address("127.0.0.1")
    asyncio.run(_start_up())


def test_the_operator_can_override_it_on_purpose(
    configured_address: SetAddress, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEASURES_AUTH_MODE", "local")
    monkeypatch.setenv("MEASURES_LOCAL_ALLOW_REMOTE", "true")
    configured_address("0.0.0.0")
    asyncio.run(_start_up())


def test_with_sign_in_the_app_may_listen_where_the_proxy_reaches_it(
    configured_address: SetAddress, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEASURES_AUTH_MODE", "oidc")
    configured_address("0.0.0.0")
    asyncio.run(_start_up())


def test_the_command_line_gives_streamlit_the_address_and_port() -> None:
    assert serve.parse(["--server.address", "127.0.0.1", "--server.port", "8502"]) == {
        "server.address": "127.0.0.1",
        "server.port": 8502,
    }
    assert serve.parse([]) == {}
