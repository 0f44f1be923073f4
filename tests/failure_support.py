"""Failures made for real, for the operator error tests: a PostgreSQL URL naming a database
the server does not have, a free port with nothing listening, a server that refuses the
password, a read-only SQLite file, a registry with an error and a database migrated ahead.

The test PostgreSQL server trusts every local connection (no password is ever checked), so a
wrong password cannot be made on it. `refusing_postgres` is a listener that speaks the start of
PostgreSQL's wire protocol and answers the driver's start-up message exactly as a server does
when the password is wrong (an ErrorResponse with SQLSTATE 28P01), so the real driver raises
its real error.
"""

from __future__ import annotations

import shutil
import socket
import struct
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from conftest import POSTGRES_URL, missing
from sqlalchemy.engine import make_url

from metrics import registry
from metrics.db import store

SECRET = "s3cret-Pa55word"  # a password that must never be printed
SSL_REQUEST, GSS_REQUEST = 80877103, 80877104


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def missing_database_url() -> str:
    """The test server's URL with a database name it does not have."""
    if not POSTGRES_URL:
        missing("MEASURES_TEST_POSTGRES_URL is not set")
    assert POSTGRES_URL is not None
    url = make_url(POSTGRES_URL).set(database="test_i17_no_such_database", password=SECRET)
    return url.render_as_string(hide_password=False)


def nothing_listening_url() -> str:
    return f"postgresql+psycopg://measures:{SECRET}@127.0.0.1:{free_port()}/measures"


def _read_exactly(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        part = conn.recv(size - len(data))
        if not part:
            raise ConnectionError("client went away")
        data += part
    return data


def _error_response(sqlstate: str, message: str) -> bytes:
    fields = b"".join(
        code + value.encode() + b"\0"
        for code, value in ((b"S", "FATAL"), (b"V", "FATAL"), (b"C", sqlstate), (b"M", message))
    )
    body = fields + b"\0"
    return b"E" + struct.pack("!I", len(body) + 4) + body


def _answer(conn: socket.socket, sqlstate: str, message: str) -> None:
    with conn:
        while True:
            length, code = struct.unpack("!II", _read_exactly(conn, 8))
            if code in (SSL_REQUEST, GSS_REQUEST):
                conn.sendall(b"N")  # no encryption here: the client carries on in plain text
                continue
            _read_exactly(conn, length - 8)  # the start-up message: user, database, ...
            conn.sendall(_error_response(sqlstate, message))
            return


@contextmanager
def refusing_postgres(user: str = "measures") -> Iterator[str]:
    """A URL whose server refuses the password as PostgreSQL does; yields the URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    message = f'password authentication failed for user "{user}"'
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            try:
                _answer(conn, "28P01", message)
            except (ConnectionError, OSError, struct.error):
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"postgresql+psycopg://{user}:{SECRET}@127.0.0.1:{port}/measures"
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=5)


@contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """The SQLite file made immutable (root can write to a file whatever its mode, so the
    file system's immutable flag is what makes it read-only for everyone)."""
    store.engine_for.cache_clear()  # no open connection keeps a writable handle
    if shutil.which("chattr") is None:
        missing("chattr is needed to make a read-only file")
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if done.returncode != 0:
        missing(f"this file system cannot make a file read-only: {done.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)
        store.engine_for.cache_clear()


def migrate_ahead(url: str, revision: str = "0999") -> None:
    """Make the database look migrated by another version of the dashboard (a newer one, or an
    older one's known revision); it is migrated first if it has no tables yet."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            store.migrate(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    engine.dispose()


def broken_registry(folder: Path) -> Path:
    """A copy of the shipped registry with one indicator's polarity misspelled."""
    text = registry.REGISTRY_PATH.read_text(encoding="utf-8")
    bad = text.replace('polarity = "higher_is_better"', 'polarity = "higher_is_beter"', 1)
    assert bad != text
    path = folder / "indicators.toml"
    path.write_text(bad, encoding="utf-8")
    return path
