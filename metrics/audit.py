"""The audit log: sign-ins, refusals and every change, with who and when. No Streamlit here.

Changes record their event inside their own write transaction (`record_in`), so an upload that
fails leaves no event behind and a stored upload always has one. Everything else uses `record`.

For code that saves a change, e.g. commentary:

    with store.write_transaction(engine) as conn:
        version = commentary_store.append(conn, ...)
        audit.record_in(conn, audit.COMMENTARY, author, f"... version {version}", ref="id|period")
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy.engine import Connection, Engine

from metrics.db import audit_store, store
from metrics.db.tables import AUDIT_ACTIONS
from metrics.settings import get_settings

SIGN_IN = "sign_in"
SIGN_OUT = "sign_out"
REFUSED = "refused"
UPLOAD = "upload"
ROLL_BACK = "roll_back"
COMMENTARY = "commentary"
TARGET_CHANGE = "target_change"
MEETING_DATE = "meeting_date"
MAPPING = "mapping"
ACTIONS = AUDIT_ACTIONS
# An icon plus words for each kind of event, so the list never rests on colour.
ACTION_WORDS = {
    SIGN_IN: "→ Signed in",
    SIGN_OUT: "← Signed out",
    REFUSED: "⛔ Refused",
    UPLOAD: "⬆ Upload stored",
    ROLL_BACK: "↺ Upload rolled back",
    COMMENTARY: "✎ Commentary saved",
    TARGET_CHANGE: "◎ Target changed",
    MEETING_DATE: "▦ Board meeting date recorded",
    MAPPING: "⇆ Column mapping saved",
}
MAX_DETAIL = 2_000  # characters: a sentence, not a copy of the data
MAX_WHO = 200
SHOWN = 200  # events listed on the audit page, as a table a screen reader can read
EXPORTED = 10_000  # events in its CSV download; older ones stay in the database


def _event(action: str, who: str, detail: str, ref: str | None) -> tuple[str, str, str | None]:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; expected one of {ACTIONS}")
    return (who.strip() or "unknown")[:MAX_WHO], detail[:MAX_DETAIL], ref


def record_in(
    conn: Connection,
    action: str,
    who: str,
    detail: str = "",
    *,
    role: str | None = None,
    ref: str | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Record an event inside the caller's write transaction (it commits or fails with it)."""
    who, detail, ref = _event(action, who, detail, ref)
    audit_store.append(
        conn,
        at=(at or store.now_utc()).astimezone(dt.UTC),
        action=action,
        who=who,
        role=role,
        detail=detail,
        ref=ref,
    )


def record(
    engine: Engine,
    action: str,
    who: str,
    detail: str = "",
    *,
    role: str | None = None,
    ref: str | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Record an event in a transaction of its own."""
    with store.write_transaction(engine) as conn:
        record_in(conn, action, who, detail, role=role, ref=ref, at=at)


def record_once(
    engine: Engine,
    action: str,
    who: str,
    ref: str,
    detail: str = "",
    *,
    role: str | None = None,
) -> bool:
    """Record an event unless this person already has one of this kind about `ref` (e.g. one
    sign-in per ID token, however many browser tabs it opens); True when it was recorded."""
    with store.write_transaction(engine) as conn:
        if audit_store.exists(conn, action, who.strip() or "unknown", ref):
            return False
        record_in(conn, action, who, detail, role=role, ref=ref)
        return True


def events(engine: Engine, *, limit: int = SHOWN, actions: list[str] | None = None) -> pl.DataFrame:
    """The newest events first: id, at (UTC), action, who, role, detail, ref."""
    with engine.connect() as conn:
        return audit_store.read(conn, limit=limit, actions=actions)


def event_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Events as the audit page shows them: when (UK time), who, role, what, detail."""
    return frame.select(
        pl.col("at")
        .dt.convert_time_zone(get_settings().timezone)
        .dt.strftime("%-d %B %Y %H:%M:%S")
        .alias("When (UK time)"),
        pl.col("who").alias("Who"),
        pl.col("role").fill_null("–").alias("Role"),
        pl.col("action").replace_strict(ACTION_WORDS, default=pl.col("action")).alias("What"),
        pl.col("detail").alias("Detail"),
    )


def events_csv(frame: pl.DataFrame) -> bytes:
    """The events as a CSV Excel opens cleanly (UTF-8 with a BOM). Names and details come from
    sign-in claims and officers' files, so no cell may run as a formula."""
    # imported here so that metrics.ingest may record audit events without an import cycle
    from metrics.ingest.formulas import neutralise_frame

    safe = neutralise_frame(event_rows(frame))
    assert isinstance(safe, pl.DataFrame)
    return ("\ufeff" + safe.write_csv()).encode("utf-8")
