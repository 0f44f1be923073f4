"""What changed since the Board last met: the data as it stood at a meeting, worked out from
what is stored (nothing is ever deleted); the meeting dates officers record; the address.

The clock is set by hand (`store.now_utc`), so every upload and roll back happens on a known
day before or after the meeting. Expected values are worked out by hand from the files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import polars as pl
import pytest
from sqlalchemy.engine import Engine

from metrics import api, audit, disclosure, ingest, meetings, targets
from metrics.db import meeting_store, store

REG = api.registry()
TODAY = dt.date(2026, 11, 27)
MEETING = dt.date(2026, 10, 14)
HEADER = "indicator_id,period,breakdown,breakdown_group,count,numerator,denominator"
SESSIONS = "awareness_sessions_delivered"  # a quarterly count, uploaded as counted values
LEADERS = "leader_advocacy_activities"  # another
FORUM = "pcf_membership"  # a calendar-year count


class Clock:
    """The time `store` stamps on batches, roll backs and audit events."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    def set(self, day: dt.date, hour: int = 9) -> None:
        self.now = dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    fixed = Clock()
    monkeypatch.setattr(store, "now_utc", lambda: fixed.now)
    yield fixed


def upload(engine: Engine, clock: Clock, day: dt.date, *rows: str) -> int:
    """Store counted values (indicator, period, count) as one batch on `day`; its id."""
    clock.set(day)
    lines = [
        HEADER,
        *(f"{ind},{period},,,{count},," for ind, period, count in map(str.split, rows)),
    ]
    report = ingest.ingest(
        engine, "indicator_values", ("\n".join(lines) + "\n").encode(), f"{day}.csv", REG,
        user="officer@test", today=TODAY,
    )  # fmt: skip
    assert report.ok and report.stored, report.problems
    return report.stored.batch_id


def roll_back(engine: Engine, clock: Clock, day: dt.date, batch_id: int) -> None:
    clock.set(day)
    with store.write_transaction(engine) as conn:
        store.rollback(conn, batch_id, by="admin@test")


def counts(engine: Engine, as_of: dt.datetime | None = None) -> list[tuple[str, int]]:
    """(period, count) of the awareness sessions that count (or counted at `as_of`)."""
    with engine.connect() as conn:
        rows = store.read_active(conn, "indicator_values", as_of=as_of)
    rows = rows.filter(pl.col("indicator_id") == SESSIONS)
    return sorted(zip(rows["period"], rows["count"].cast(pl.Int64), strict=True))


def evening(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(18), tzinfo=dt.UTC)


# ---------------------------------------------------------------------------------------------
# The data as it stood at a moment
# ---------------------------------------------------------------------------------------------


def test_the_rows_as_of_a_moment_are_the_rows_that_counted_then(
    engine: Engine, clock: Clock
) -> None:
    # Uploads supersede the periods they cover; a roll back brings back what a batch
    # superseded. Each step's rows, worked out by hand:
    steps: list[tuple[dt.date, list[tuple[str, int]]]] = []
    day = dt.date(2026, 9, 1)
    first = upload(engine, clock, day, f"{SESSIONS} 2026-Q1 5", f"{SESSIONS} 2026-Q2 6")
    steps.append((day, [("2026-Q1", 5), ("2026-Q2", 6)]))
    day = dt.date(2026, 9, 2)
    second = upload(engine, clock, day, f"{SESSIONS} 2026-Q2 7")
    steps.append((day, [("2026-Q1", 5), ("2026-Q2", 7)]))
    day = dt.date(2026, 9, 3)
    third = upload(engine, clock, day, f"{SESSIONS} 2026-Q1 8", f"{SESSIONS} 2026-Q3 9")
    steps.append((day, [("2026-Q1", 8), ("2026-Q2", 7), ("2026-Q3", 9)]))
    day = dt.date(2026, 9, 4)
    roll_back(engine, clock, day, second)  # the first upload's Q2 comes back
    steps.append((day, [("2026-Q1", 8), ("2026-Q2", 6), ("2026-Q3", 9)]))
    day = dt.date(2026, 9, 5)
    fourth = upload(engine, clock, day, f"{SESSIONS} 2026-Q2 10")
    steps.append((day, [("2026-Q1", 8), ("2026-Q2", 10), ("2026-Q3", 9)]))
    day = dt.date(2026, 9, 6)
    roll_back(engine, clock, day, third)  # Q1 back to the first upload's; Q3 gone
    steps.append((day, [("2026-Q1", 5), ("2026-Q2", 10)]))
    day = dt.date(2026, 9, 7)
    roll_back(engine, clock, day, fourth)  # Q2 back to the first upload's, not the second's
    steps.append((day, [("2026-Q1", 5), ("2026-Q2", 6)]))
    assert first == 1

    assert counts(engine) == steps[-1][1]
    for when, expected in steps:
        assert counts(engine, as_of=evening(when)) == expected, when
    assert counts(engine, as_of=evening(dt.date(2026, 8, 31))) == []
    # the present, read either way, is the same
    assert counts(engine, as_of=evening(dt.date(2030, 1, 1))) == counts(engine)


def test_a_meeting_day_ends_at_midnight_uk_time() -> None:
    # 14 October 2026 is in British Summer Time (UTC+1): midnight is 23:00 UTC that day;
    # 1 December 2026 is in GMT: midnight is 00:00 UTC on 2 December
    assert meetings.cutoff(MEETING) == dt.datetime(2026, 10, 14, 23, 0, tzinfo=dt.UTC)
    assert meetings.cutoff(dt.date(2026, 12, 1)) == dt.datetime(2026, 12, 2, 0, 0, tzinfo=dt.UTC)


# ---------------------------------------------------------------------------------------------
# What changed since a meeting
# ---------------------------------------------------------------------------------------------


def board_history(engine: Engine, clock: Clock) -> None:
    """Before the meeting on 14 October: sessions 5 and leaders 6 in April to June, the Forum
    61 in 2025. After it: sessions revised to 7 and July to September's 8 added (20 October);
    the Forum's upload rolled back (25 October). The leaders' figure never changes."""
    upload(engine, clock, dt.date(2026, 10, 1), f"{SESSIONS} 2026-Q2 5", f"{LEADERS} 2026-Q2 6")
    forum = upload(engine, clock, dt.date(2026, 10, 2), f"{FORUM} 2025 61")
    upload(engine, clock, dt.date(2026, 10, 20), f"{SESSIONS} 2026-Q2 7", f"{SESSIONS} 2026-Q3 8")
    roll_back(engine, clock, dt.date(2026, 10, 25), forum)


def test_what_changed_since_the_meeting_lists_a_revised_figure_and_not_an_unchanged_one(
    engine: Engine, clock: Clock
) -> None:
    board_history(engine, clock)
    then = meetings.results_at(engine, REG, MEETING)
    now = api.compute(engine, REG, on=TODAY)

    found = meetings.changes(REG, then, now, TODAY)

    by_key = {(c.indicator_id, c.period): c for c in found}
    assert set(by_key) == {(SESSIONS, "2026-Q2"), (SESSIONS, "2026-Q3"), (FORUM, "2025")}
    assert by_key[SESSIONS, "2026-Q2"].words == (
        "SEND awareness sessions delivered to the wider workforce, April to June 2026: "
        "5 at the meeting, 7 now"
    )
    assert by_key[SESSIONS, "2026-Q3"].kind == "new"
    assert "a new figure, 8" in by_key[SESSIONS, "2026-Q3"].words
    # the Forum's figure counted at the meeting (rolled back only afterwards)
    assert by_key[FORUM, "2025"].kind == "gone"
    assert "61 at the meeting; no figure now" in by_key[FORUM, "2025"].words
    assert not any(c.indicator_id == LEADERS for c in found)


def test_uploads_and_roll_backs_since_the_meeting_are_listed(engine: Engine, clock: Clock) -> None:
    board_history(engine, clock)
    with engine.connect() as conn:
        batches = store.read_batches(conn)

    since = meetings.uploads_since(batches, meetings.cutoff(MEETING), published=False)

    # newest first: the 20 October upload (2 rows), then the Forum's, rolled back on 25 October
    assert since["Since the meeting"].to_list() == ["stored", "rolled back"]
    assert since["File"].to_list() == ["2026-10-20.csv", "2026-10-02.csv"]
    assert since["Rows"].to_list() == ["2", "1"]
    # as published, no row counts: an upload of one row can be one child
    published = meetings.uploads_since(batches, meetings.cutoff(MEETING), published=True)
    assert "Rows" not in published.columns and published.height == 2


def test_as_published_a_change_never_states_a_suppressed_count(
    engine: Engine, clock: Clock
) -> None:
    # leaders 2 before the meeting, revised to 3 after it: both below the threshold of 5
    upload(engine, clock, dt.date(2026, 10, 1), f"{LEADERS} 2026-Q2 2", f"{SESSIONS} 2026-Q2 6")
    upload(engine, clock, dt.date(2026, 10, 20), f"{LEADERS} 2026-Q2 3", f"{SESSIONS} 2026-Q2 9")
    then = meetings.results_at(engine, REG, MEETING)
    now = api.compute(engine, REG, on=TODAY)

    internal = meetings.changes(REG, then, now, TODAY)
    published = meetings.changes(
        REG,
        disclosure.suppress_results(then, registry=REG),
        disclosure.suppress_results(now, registry=REG),
        TODAY,
    )

    assert any(c.indicator_id == LEADERS and "2 at the meeting, 3 now" in c.words for c in internal)
    # c then, c now: nothing to say that would not give the count away
    assert not any(c.indicator_id == LEADERS for c in published)
    assert [c.words for c in published if c.indicator_id == SESSIONS] == [
        "SEND awareness sessions delivered to the wider workforce, April to June 2026: "
        "6 at the meeting, 9 now"
    ]


def test_the_targets_at_a_meeting_are_those_in_force_that_day(engine: Engine) -> None:
    # the strategy's target for decisions made within 6 weeks is 100%; the Board agreed 80% on
    # 1 October, then 90% on 20 October, after the meeting of 14 October
    decisions = "ehc_6wk_decisions"
    assert REG.indicator(decisions).target.value == 100  # type: ignore[union-attr]
    for value, day in ((80, dt.date(2026, 10, 1)), (90, dt.date(2026, 10, 20))):
        targets.change(
            engine, decisions, value=value, reason="agreed by the Board", who="admin@test",
            base=REG, now=evening(day),
        )  # fmt: skip

    def target_at(day: dt.date) -> float | None:
        found = meetings.registry_at(engine, REG, meetings.cutoff(day)).indicator(decisions).target
        return None if found is None else found.value

    assert target_at(dt.date(2026, 9, 30)) == 100
    assert target_at(MEETING) == 80
    assert target_at(TODAY) == 90


# ---------------------------------------------------------------------------------------------
# Meeting dates
# ---------------------------------------------------------------------------------------------


def meeting_events(engine: Engine) -> pl.DataFrame:
    return audit.events(engine, actions=[audit.MEETING_DATE]).sort("id")


def test_an_officer_records_and_withdraws_meeting_dates_and_each_is_audited(
    engine: Engine, clock: Clock
) -> None:
    clock.set(TODAY)
    meetings.record(engine, dt.date(2026, 9, 9), "officer@test", today=TODAY, role="officer")
    meetings.record(engine, MEETING, "officer@test", today=TODAY, role="officer")
    meetings.record(engine, dt.date(2026, 10, 15), "officer@test", today=TODAY, role="officer")
    # the 15th was a mistake
    meetings.withdraw(engine, dt.date(2026, 10, 15), "admin@test", role="admin")

    assert meetings.dates(engine) == [MEETING, dt.date(2026, 9, 9)]
    assert meetings.last_before(meetings.dates(engine), TODAY) == MEETING
    # during a meeting, the last meeting is the one before it
    assert meetings.last_before(meetings.dates(engine), MEETING) == dt.date(2026, 9, 9)
    events = meeting_events(engine)
    assert events["detail"].to_list() == [
        "Board meeting on 9 September 2026 recorded",
        "Board meeting on 14 October 2026 recorded",
        "Board meeting on 15 October 2026 recorded",
        "Board meeting on 15 October 2026 withdrawn (recorded by mistake)",
    ]
    assert events["who"].to_list()[-1] == "admin@test"
    assert events["ref"].to_list()[1] == "2026-10-14"
    # nothing is deleted: the withdrawn date's two rows stay
    with engine.connect() as conn:
        rows = meeting_store.read(conn)
    assert rows.height == 4
    assert rows["kind"].to_list() == ["held", "held", "held", "withdrawn"]

    # a withdrawn date can be recorded again
    meetings.record(engine, dt.date(2026, 10, 15), "officer@test", today=TODAY)
    assert meetings.dates(engine)[0] == dt.date(2026, 10, 15)


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (dt.date(2026, 11, 28), "28 November 2026 has not come yet"),
        (MEETING, "The meeting on 14 October 2026 is recorded already."),
    ],
)
def test_a_refused_meeting_date_writes_nothing(
    engine: Engine, clock: Clock, day: dt.date, message: str
) -> None:
    meetings.record(engine, MEETING, "officer@test", today=TODAY)
    with engine.connect() as conn:
        before = store.table_digest(conn)

    with pytest.raises(meetings.MeetingError, match=message):
        meetings.record(engine, day, "officer@test", today=TODAY)

    with engine.connect() as conn:
        assert store.table_digest(conn) == before


def test_withdrawing_a_date_never_recorded_is_refused(engine: Engine) -> None:
    with pytest.raises(meetings.MeetingError, match="no recorded meeting on 1 October 2026"):
        meetings.withdraw(engine, dt.date(2026, 10, 1), "officer@test")
    assert meeting_events(engine).height == 0


def test_the_address_names_a_meeting_by_date() -> None:
    assert meetings.parse_since("2026-10-14", TODAY) == MEETING
    assert meetings.parse_since("14/10/2026", TODAY) == MEETING
    with pytest.raises(meetings.MeetingError, match="'last week' in the address is not a date"):
        meetings.parse_since("last week", TODAY)
    with pytest.raises(meetings.MeetingError, match="27 November 2026, is not before today"):
        meetings.parse_since("2026-11-27", TODAY)
