"""The Board's meetings, and what changed since the last one, for meeting mode. No Streamlit.

Officers record the dates the Board met (append-only, audited; a date entered by mistake is
withdrawn by a second row, and both stay), or an agenda links to `?since=YYYY-MM-DD`. What
changed since a meeting is worked out honestly from what is stored, because nothing is ever
deleted: the results as they stood at the end of the meeting day (UK time) are computed from
the rows that counted then (`store.current_at`: batches stored by then and not yet rolled
back) with the targets in force then, and judged on that day; they are set against the results
now. Every upload stored, and every roll back made, since then is listed too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo

import polars as pl
from sqlalchemy.engine import Engine

from metrics import audit, results_cache, summaries, targets, uploads
from metrics.db import meeting_store, store, target_store
from metrics.registry import Indicator, Registry
from metrics.settings import get_settings

HELD = "held"
WITHDRAWN = "withdrawn"
PARAM = "since"  # the address: ?since=2026-10-14

ChangeKind = Literal["status", "new", "revised", "gone"]
_ORDER: dict[ChangeKind, int] = {"status": 0, "new": 1, "revised": 2, "gone": 3}


class MeetingError(ValueError):
    """A meeting date that cannot be used or recorded, with the reason in plain English."""


# ---------------------------------------------------------------------------------------------
# Meeting dates
# ---------------------------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)


def cutoff(day: dt.date) -> dt.datetime:
    """The end of a meeting day in the UK, in UTC: data stored that day counts as shown."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=_zone()).astimezone(
        dt.UTC
    )


def held(rows: pl.DataFrame) -> list[dt.date]:
    """The meeting dates that stand (recorded, and not withdrawn since), newest first."""
    latest = rows.sort("id").group_by("meeting_date").last()
    kept = latest.filter(pl.col("kind") == HELD).get_column("meeting_date")
    return sorted(kept.to_list(), reverse=True)


def dates(engine: Engine) -> list[dt.date]:
    """The Board's recorded meeting dates, newest first."""
    with engine.connect() as conn:
        return held(meeting_store.read(conn))


def last_before(days: list[dt.date], today: dt.date) -> dt.date | None:
    """The last meeting before today: during a meeting, "since the last meeting" means the one
    before it, even if today's has been recorded already."""
    earlier = [d for d in days if d < today]
    return max(earlier) if earlier else None


def parse_since(text: str, today: dt.date) -> dt.date:
    """The date in `?since=`: 2026-10-14 (as in a link), or 14/10/2026."""
    raw = (text or "").strip()
    day = None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = dt.datetime.strptime(raw, pattern).date()
            break
        except ValueError:
            continue
    if day is None:
        raise MeetingError(
            f"'{raw}' in the address is not a date: write it like since=2026-10-14 "
            "(year-month-day)."
        )
    if day >= today:
        raise MeetingError(
            f"The meeting date in the address, {summaries.uk_date(day)}, is not before today: "
            "give the date of an earlier meeting."
        )
    return day


def _who(who: str) -> str:
    name = (who or "").strip()
    if not name:
        raise MeetingError("Say who is recording the meeting date: the name is missing.")
    return name[: audit.MAX_WHO]


def record(
    engine: Engine, day: dt.date, who: str, *, today: dt.date, role: str | None = None
) -> None:
    """Record a date the Board met, with its audit event in the same transaction."""
    name = _who(who)
    if day > today:
        raise MeetingError(
            f"{summaries.uk_date(day)} has not come yet: record a meeting once it has been held."
        )
    with store.write_transaction(engine) as conn:
        if day in held(meeting_store.read(conn)):
            raise MeetingError(f"The meeting on {summaries.uk_date(day)} is recorded already.")
        meeting_store.append(conn, day, kind=HELD, recorded_by=name, at=store.now_utc())
        audit.record_in(
            conn, audit.MEETING_DATE, name, f"Board meeting on {summaries.uk_date(day)} recorded",
            role=role, ref=day.isoformat(),
        )  # fmt: skip


def withdraw(engine: Engine, day: dt.date, who: str, *, role: str | None = None) -> None:
    """Withdraw a date recorded by mistake (a new row: the first one stays), audited."""
    name = _who(who)
    with store.write_transaction(engine) as conn:
        if day not in held(meeting_store.read(conn)):
            raise MeetingError(
                f"There is no recorded meeting on {summaries.uk_date(day)} to withdraw."
            )
        meeting_store.append(conn, day, kind=WITHDRAWN, recorded_by=name, at=store.now_utc())
        audit.record_in(
            conn, audit.MEETING_DATE, name,
            f"Board meeting on {summaries.uk_date(day)} withdrawn (recorded by mistake)",
            role=role, ref=day.isoformat(),
        )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The data as it stood at a meeting
# ---------------------------------------------------------------------------------------------


def registry_at(engine: Engine, base: Registry, at: dt.datetime) -> Registry:
    """The registry with the targets in force at a moment: each indicator's newest target
    change made by then (`metrics.targets`)."""
    with engine.connect() as conn:
        changes = target_store.history(conn)
    then = changes.filter(pl.col("changed_at") <= at)
    newest = then.filter(pl.col("version") == pl.col("version").max().over("indicator_id"))
    return targets.apply(base, newest)


def results_at(engine: Engine, base: Registry, day: dt.date) -> pl.DataFrame:
    """Every result as the Board saw it at the meeting on `day`: the data stored by the end of
    that day and not yet rolled back then, the targets in force then, judged on that day."""
    from metrics import api

    at = cutoff(day)
    reg = registry_at(engine, base, at)

    def work() -> pl.DataFrame:
        return api.compute(engine, reg, on=day, as_of=at)

    if at > store.now_utc():
        return work()  # the day is not over: what counted then may still change
    # Nothing stored is ever deleted or rewritten, so what counted at a past moment never
    # changes: the results are stored under that moment alone.
    return results_cache.cached(
        engine, f"as at {at.isoformat()}|{results_cache.fingerprint(reg)}", day, work
    )


# ---------------------------------------------------------------------------------------------
# What changed
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One headline figure that differs between a meeting and now."""

    indicator_id: str
    period: str
    kind: ChangeKind
    words: str


def _headline(results: pl.DataFrame, ids: list[str]) -> dict[tuple[str, str], dict[str, Any]]:
    rows = results.filter(pl.col("breakdown").is_null() & pl.col("indicator_id").is_in(ids))
    return {(r["indicator_id"], r["period"]): r for r in rows.iter_rows(named=True)}


def _change(
    indicator: Indicator,
    period: str,
    then: dict[str, Any] | None,
    now: dict[str, Any] | None,
    today: dt.date,
) -> Change | None:
    """The change in one figure, in words, or None when it is shown just as it was.

    Values are compared as shown (as published, for suppressed rows: `c` stays `c`), so a
    change never states a number the page itself would not.
    """
    head = f"{indicator.title}, {summaries.period_short(indicator, period, today)}"
    if then is None and now is None:
        return None
    if then is None:
        assert now is not None
        state = summaries.status_text(now["status"], indicator)
        words = f"{head}: a new figure, {summaries.value_words(indicator, now)} ({state})"
        return Change(indicator.id, period, "new", words)
    was = summaries.value_words(indicator, then)
    if now is None:
        words = f"{head}: {was} at the meeting; no figure now"
        return Change(indicator.id, period, "gone", words)
    is_ = summaries.value_words(indicator, now)
    values = f"{was} at the meeting, {is_} now"
    if then["status"] != now["status"]:
        old = summaries.status_text(then["status"], indicator)
        new = summaries.status_text(now["status"], indicator)
        moved = f"{old} → {new}"
        words = f"{head}: {moved}" + (f" ({values})" if was != is_ else f" ({is_})")
        return Change(indicator.id, period, "status", words)
    if was != is_:
        return Change(indicator.id, period, "revised", f"{head}: {values}")
    return None


def changes(
    registry: Registry, then: pl.DataFrame, now: pl.DataFrame, today: dt.date
) -> list[Change]:
    """Every headline figure whose value or status differs between `then` (`results_at`) and
    `now`: status changes first, then new figures, revised figures and figures gone; within
    each, the latest periods first, then in registry order. Give both as the page shows them
    (both suppressed, or neither)."""
    shown = [i for i in registry.indicators if i.headline]
    ids = [i.id for i in shown]
    before, after = _headline(then, ids), _headline(now, ids)
    order = {iid: n for n, iid in enumerate(ids)}
    found = []
    for key in before.keys() | after.keys():
        change = _change(registry.indicator(key[0]), key[1], before.get(key), after.get(key), today)
        if change is not None:
            start = (after.get(key) or before[key])["period_start"]
            found.append((_ORDER[change.kind], -start.toordinal(), order[key[0]], change))
    return [change for *_, change in sorted(found, key=lambda f: f[:3])]


def uploads_since(batches: pl.DataFrame, at: dt.datetime, *, published: bool) -> pl.DataFrame:
    """Uploads stored since `at`, and earlier uploads rolled back since, newest first, as a
    table. As published, without row counts (an upload of 1 row can be one child) or names."""
    stored = pl.col("uploaded_at") > at
    undone = (pl.col("status") == "rolled_back") & (pl.col("status_changed_at") > at)
    since = batches.filter(stored | undone)
    what = (
        pl.when(stored & undone)
        .then(pl.lit("stored, then rolled back"))
        .when(stored)
        .then(pl.lit("stored"))
        .otherwise(pl.lit("rolled back"))
    )
    table = uploads.batch_rows(since).with_columns(
        since.sort("id", descending=True).select(what.alias("Since the meeting")).to_series()
    )
    keep = ["Since the meeting", "Data", "Uploaded", "File", "Periods", "Status"]
    if not published:
        keep.insert(4, "Rows")
    return table.select(keep)
