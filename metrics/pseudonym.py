"""The keyed hash that turns a person in a SEN2 return into a reference, and the key's checks.

A reference is HMAC-SHA256 with the secret key `MEASURES_PSEUDONYM_KEY`: without the key nobody
can tell whose it is, or make the reference of a known child to look them up; with the same key
the same person gets the same reference in every year's return. The database keeps only a
fingerprint of the key (an HMAC of a fixed label), so an import with another key is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

from sqlalchemy.engine import Connection, Engine

from metrics.db import pseudonym_store
from metrics.settings import Settings

ENV = "MEASURES_PSEUDONYM_KEY"
MIN_KEY_LENGTH = 32
MAKE_KEY = 'python -c "import secrets; print(secrets.token_hex(32))"'
_LABEL = b"measures-of-success pseudonym key fingerprint v1"
REF_HEX = 32  # hex characters kept: 128 bits, so two people never share a reference


class KeyProblem(Exception):
    """The key is missing, too short or not the one the stored references were made with."""


def key_from_settings() -> str:
    """The key as set now (read afresh, so a changed setting needs no restart)."""
    return Settings().pseudonym_key.get_secret_value().strip()


def require_key(key: str | None = None) -> bytes:
    key = key_from_settings() if key is None else key.strip()
    if not key:
        raise KeyProblem(
            f"SEN2 returns are pseudonymised with a secret key, and none is set. Make one with "
            f"`{MAKE_KEY}`, set it as {ENV} wherever the dashboard and the command line run, "
            "and keep a copy somewhere safe (see the README): the same key must be used for "
            "every year's return."
        )
    if len(key) < MIN_KEY_LENGTH:
        raise KeyProblem(
            f"{ENV} is too short to keep the references secret ({len(key)} characters; at "
            f"least {MIN_KEY_LENGTH}). Make one with `{MAKE_KEY}`."
        )
    return key.encode("utf-8")


def fingerprint(key: bytes) -> str:
    """Identifies the key without revealing it."""
    return hmac.new(key, _LABEL, hashlib.sha256).hexdigest()


def reference(key: bytes, prefix: str, *parts: str) -> str:
    """`prefix` + the first 32 hex characters of HMAC-SHA256(key, parts joined)."""
    message = "\x1f".join(parts).encode("utf-8")
    return prefix + hmac.new(key, message, hashlib.sha256).hexdigest()[:REF_HEX]


def normalise_name(text: str) -> str:
    """A name as compared: accents, case, spaces, digits and punctuation ignored; letters of
    every script kept (a name written in Chinese characters is not an empty name)."""
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\W\d_]+", "", letters.casefold())


def check_matches(conn: Connection, key: bytes) -> None:
    """Refuse a key other than the one the stored references were made with (reads only)."""
    stored = pseudonym_store.fingerprint(conn)
    if stored is not None and not hmac.compare_digest(stored, fingerprint(key)):
        raise KeyProblem(DIFFERS)


def check_stored(conn: Connection, key: bytes, who: str) -> None:
    """Record the key's fingerprint on the first import; refuse a key that differs from it.

    Run inside the import's write transaction, so the first import and the fingerprint are
    stored together or not at all."""
    stored = pseudonym_store.fingerprint(conn)
    if stored is None:
        pseudonym_store.record(conn, fingerprint(key), who)
    elif not hmac.compare_digest(stored, fingerprint(key)):
        raise KeyProblem(DIFFERS)


DIFFERS = (
    f"{ENV} is not the key the SEN2 returns already stored were pseudonymised with, so this "
    "return's references would never match theirs: nothing was stored. Set the key you used "
    "before (from where you backed it up, see the README)."
)


def key_check(engine: Engine, key: str | None = None) -> tuple[str, str]:
    """For `doctor`: ("OK" | "WARN" | "FAIL", one line) about the pseudonym key (the one set
    now, or `key`)."""
    key = key_from_settings() if key is None else key.strip()
    with engine.connect() as conn:
        stored = pseudonym_store.fingerprint(conn)
    if not key:
        if stored is None:
            return "WARN", f"{ENV} is not set: SEN2 returns cannot be imported until it is."
        return "FAIL", f"{ENV} is not set, but SEN2 returns were imported with a key: set it."
    try:
        secret = require_key(key)
    except KeyProblem as err:
        return "FAIL", str(err)
    if stored is None:
        return "OK", f"{ENV} is set; no SEN2 return has been imported yet."
    if hmac.compare_digest(stored, fingerprint(secret)):
        return "OK", f"{ENV} is set and matches the key of the SEN2 returns stored."
    return "FAIL", f"{ENV} differs from the key the stored SEN2 returns were imported with."
