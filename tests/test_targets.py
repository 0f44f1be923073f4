"""Targets an admin changes: an append-only, versioned store, the effective registry every status
is judged by, validation with the registry's own checks, and the words that say a target changed.

Runs on SQLite, and on PostgreSQL when MEASURES_TEST_POSTGRES_URL is set (the `engine` fixture).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import SEED_DIR
from sqlalchemy.engine import Engine

from metrics import api, audit, boardpack, cli, ingest, targets
from metrics.db import store
from metrics.registry import REGISTRY_PATH, Registry, RegistryError, load, load_text

REG = load()
WAITING = "ehc_waiting_support"  # families offered support while waiting: target 100%
INCL = "ehc_20wk_incl_exceptions"  # target 100%, baseline 100% in 2023, higher is better
REVIEW = "p1_local_offer_review"  # a milestone, due 31 March 2026
ADA = "ada@council.example"
BOARD = "The SEND Programme Board agreed 90% at its March 2026 meeting"
MARCH = dt.datetime(2026, 3, 3, 10, 30, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 27)


def digest(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, the audit log's too: what 'nothing was written' means."""
    with engine.connect() as conn:
        return store.table_digest(conn)


def events(engine: Engine) -> list[dict[str, Any]]:
    return audit.events(engine, actions=[audit.TARGET_CHANGE]).to_dicts()


def to_90(engine: Engine, **kw: Any) -> int:
    return targets.change(
        engine, WAITING, value=90, reason=kw.pop("reason", BOARD), who=kw.pop("who", ADA),
        role="admin", base=REG, now=kw.pop("now", MARCH), **kw,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The store and the effective registry
# ---------------------------------------------------------------------------------------------


def test_a_change_is_stored_as_version_1_and_the_effective_registry_has_it(engine: Engine) -> None:
    assert "target_changes" in sa.inspect(engine).get_table_names()  # migration 0006

    assert to_90(engine) == 1

    effective = targets.effective_registry(engine, REG)
    changed = effective.indicator(WAITING)
    assert changed.target is not None and changed.target.value == 90
    assert changed.target_change is not None
    assert (changed.target_change.by, changed.target_change.reason) == (ADA, BOARD)
    # the strategy's registry is untouched, and so is every other indicator
    assert REG.indicator(WAITING).target.value == 100  # type: ignore[union-attr]
    assert REG.indicator(WAITING).target_change is None
    others = [i for i in effective.indicators if i.id != WAITING]
    assert others == [i for i in REG.indicators if i.id != WAITING]
    # the audit event, written in the same transaction
    [event] = events(engine)
    assert (event["who"], event["role"], event["ref"]) == (ADA, "admin", WAITING)
    assert event["detail"] == (
        "Target of Families offered information and support while waiting for an assessment "
        f"changed from 100% to 90% (version 1). Reason: {BOARD}"
    )


def test_the_change_is_said_wherever_the_target_is_shown(engine: Engine) -> None:
    to_90(engine)
    changed = targets.effective_registry(engine, REG).indicator(WAITING)

    # 10:30 UTC on 3 March 2026 is 10:30 in London (GMT)
    assert targets.change_sentence(changed) == (
        f"Target changed from 100% to 90% by {ADA} on 3 March 2026: {BOARD}."
    )
    assert targets.change_sentence(REG.indicator(WAITING)) is None


def test_going_back_to_the_strategys_target_is_a_version_too_and_nothing_is_lost(
    engine: Engine,
) -> None:
    to_90(engine)
    v2 = targets.change(
        engine, WAITING, value=95, date=dt.date(2029, 3, 31), trajectory="2027: 92\n2028: 94",
        reason="A trajectory to 2029", who=ADA, base=REG,
    )  # fmt: skip
    now = targets.effective_registry(engine, REG).indicator(WAITING)
    assert [(p.period, p.value) for p in now.trajectory] == [("2027", 92), ("2028", 94)]
    assert targets.target_words(now) == "95% by 31 March 2029 (trajectory: 2027 92%, 2028 94%)"

    v3 = targets.restore(engine, WAITING, reason="The Board went back to 100%", who=ADA, base=REG)

    assert (v2, v3) == (2, 3)
    assert targets.effective_registry(engine, REG).indicator(WAITING) == REG.indicator(WAITING)
    history = targets.history(engine, WAITING)
    assert history["version"].to_list() == [3, 2, 1]
    assert history["kind"].to_list() == ["strategy", "change", "change"]
    assert history["value"].to_list() == [None, 95, 90]
    assert [e["detail"].split(" (version")[0] for e in events(engine)] == [
        "Target of Families offered information and support while waiting for an assessment "
        "changed from 95% by 31 March 2029 (trajectory: 2027 92%, 2028 94%) back to the "
        "strategy's target, 100%",
        "Target of Families offered information and support while waiting for an assessment "
        "changed from 90% to 95% by 31 March 2029 (trajectory: 2027 92%, 2028 94%)",
        "Target of Families offered information and support while waiting for an assessment "
        "changed from 100% to 90%",
    ]
    rows = targets.history_rows(targets.history(engine), REG)
    assert rows["Target"].to_list() == [
        "Back to the strategy's target: 100%",
        "Changed to 95% by 31 March 2029 (trajectory: 2027 92%, 2028 94%)",
        "Changed to 90%",
    ]


def test_a_milestones_due_date_can_move(engine: Engine) -> None:
    targets.change(
        engine, REVIEW, date=dt.date(2026, 9, 30), reason="Review delayed", who=ADA, base=REG
    )
    moved = targets.effective_registry(engine, REG).indicator(REVIEW)
    assert moved.target is not None and moved.target.date == dt.date(2026, 9, 30)
    assert targets.target_words(moved) == "due by 30 September 2026"
    assert moved.target_change is not None
    assert moved.target_change.strategy == "due by 31 March 2026"


def test_the_data_version_changes_when_a_target_changes(engine: Engine) -> None:
    before = api.data_version(engine)
    to_90(engine)
    assert api.data_version(engine) != before


def test_every_measure_is_listed_with_its_strategy_and_current_target(engine: Engine) -> None:
    to_90(engine)
    rows = targets.target_rows(REG, targets.effective_registry(engine, REG))
    # every measure of success (priorities 1 to 5), no context measure
    assert rows.height == len([i for i in REG.indicators if i.priority != "context"]) == 27
    waiting = rows.filter(rows["Measure"] == REG.indicator(WAITING).title).row(0, named=True)
    assert (waiting["The strategy's target"], waiting["Target now"]) == ("100%", "90%")
    assert waiting["Changed"] == f"◎ Changed by {ADA} on 3 March 2026: {BOARD}"
    incl = rows.filter(rows["Measure"] == REG.indicator(INCL).title).row(0, named=True)
    assert incl["Changed"] == "– No: the strategy's target"


# ---------------------------------------------------------------------------------------------
# Status follows the target in force
# ---------------------------------------------------------------------------------------------


def _demo_requests(engine: Engine) -> None:
    path = SEED_DIR / "ehc_requests.csv"
    report = ingest.ingest(
        engine, "ehc_requests", path.read_bytes(), path.name, REG, user="demo", today=TODAY
    )
    assert report.ok, report.problems


def _assessed_2024() -> tuple[int, int]:
    """Requests received in 2024 that were assessed, and those offered support, counted from the
    demo file with the csv module."""
    with (SEED_DIR / "ehc_requests.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = [
            r for r in csv.DictReader(f)
            if r["request_received_date"].endswith("/2024") and r["request_outcome"] == "assess"
        ]  # fmt: skip
    return sum(r["waiting_support_offered"] == "yes" for r in rows), len(rows)


def _status(engine: Engine, period: str) -> str:
    out = api.compute(engine, indicator=WAITING, period=period, on=TODAY)
    return out.filter(out["breakdown"].is_null())["status"].item()


def test_a_status_changes_as_worked_out_by_hand_when_the_target_changes(engine: Engine) -> None:
    _demo_requests(engine)
    # 2024 in the demo data: 6 of the 7 families assessed were offered support, 85.7%. Its 95%
    # Wilson interval (z = 1.96) is centre (6/7 + z²/14) / (1 + z²/7) = 0.7306, half-width
    # z·sqrt(6/7·1/7/7 + z²/196) / (1 + z²/7) = 0.2437: 48.7% to 97.4%.
    assert _assessed_2024() == (6, 7)
    # Against the strategy's 100%: 100% is above the interval, so Off track.
    assert _status(engine, "2024") == "off_track"

    to_90(engine)

    # Against 90%: 85.7% is below it, but 90% is inside the interval, so At risk.
    assert _status(engine, "2024") == "at_risk"
    # 2025: 8 of 8, 100%, meets either target.
    assert _status(engine, "2025") == "on_track"

    targets.restore(engine, WAITING, reason="Back to the strategy", who=ADA, base=REG)
    assert _status(engine, "2024") == "off_track"


def test_the_command_line_judges_by_the_target_in_force(
    engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _demo_requests(engine)
    to_90(engine)

    code = cli.main(
        ["--database", db_url, "compute", "--indicator", WAITING, "--period", "2024",
         "--format", "json"]
    )  # fmt: skip

    assert code == 0
    [row] = [r for r in json.loads(capsys.readouterr().out) if r["breakdown"] is None]
    assert (row["numerator"], row["denominator"], row["status"]) == (6, 7, "at_risk")


def _one_measure(registry: Registry) -> Registry:
    """The registry with one priority and one measure, so a board pack takes a moment."""
    return registry.model_copy(
        update={
            "priorities": (registry.priority("1"),),
            "indicators": (registry.indicator(WAITING),),
        }
    )


def test_the_board_pack_says_the_target_changed(
    engine: Engine, db_url: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = _one_measure(REG)
    monkeypatch.setattr(api, "registry", lambda: small)
    monkeypatch.setattr(targets, "in_force", lambda: small)  # the base registry targets apply to
    _demo_requests(engine)
    to_90(engine)

    out = tmp_path / "pack.html"
    code = cli.main(["--database", db_url, "boardpack", "--period", "2024", "--out", str(out)])

    assert code == 0
    page = out.read_text(encoding="utf-8")
    assert f"Target changed from 100% to 90% by {ADA} on 3 March 2026: {BOARD}." in page
    # the 2024 figure is judged against 90%
    [measure] = boardpack.build(engine, targets.effective_registry(engine), "2024").measures
    assert measure.status_text == "▲ At risk"
    assert measure.target_change is not None and measure.target_change.startswith(
        "Target changed from 100% to 90%"
    )


# ---------------------------------------------------------------------------------------------
# Refused changes write nothing
# ---------------------------------------------------------------------------------------------

REFUSED = [
    pytest.param(WAITING, {"value": 120}, ["target 120% is not between 0 and 100"], id="120%"),
    pytest.param(
        INCL,
        {"value": 90},
        ["target 90 is below baseline 100; higher is better"],
        id="the wrong side of the baseline",
    ),
    pytest.param(
        WAITING,
        {"direction": "decrease"},
        ["target says decrease but higher is better"],
        id="a direction against the polarity",
    ),
    pytest.param(
        REVIEW,
        {"value": 50, "date": None},
        [
            "a milestone needs target.date (its due date)",
            "a milestone's target is its due date, not a value",
        ],
        id="a milestone without a date",
    ),
    pytest.param(
        WAITING, {}, ["a target needs a value, a direction or a date"], id="no target at all"
    ),
    pytest.param(
        WAITING,
        {"value": 90, "trajectory": "2025/26: 95"},
        ["trajectory period '2025/26' is not a calendar_year label (like '2024')"],
        id="a trajectory period of the wrong kind",
    ),
    pytest.param(
        WAITING,
        {"value": 90, "trajectory": "2027: 104"},
        ["trajectory 104% for 2027 is not between 0 and 100"],
        id="a trajectory over 100%",
    ),
    pytest.param(
        WAITING,
        {"value": 100},
        ["100% is the target already: nothing changed."],
        id="the same target",
    ),
    pytest.param(
        "active_ehc_plans",
        {"value": 30},
        [
            "Children and young people with an EHC plan is a context measure: it describes the "
            "population and is not "
            "judged against a target."
        ],
        id="a context measure",
    ),
    pytest.param(
        "no_such_measure",
        {"value": 30},
        ["There is no indicator 'no_such_measure' in the registry."],
        id="an unknown measure",
    ),
]


@pytest.mark.parametrize(("indicator", "change", "problems"), REFUSED)
def test_an_invalid_change_is_refused_in_plain_words_and_writes_nothing(
    engine: Engine, indicator: str, change: dict[str, Any], problems: list[str]
) -> None:
    before = digest(engine)

    with pytest.raises(targets.TargetError) as err:
        targets.change(engine, indicator, reason=BOARD, who=ADA, base=REG, **change)

    assert err.value.problems == problems
    assert digest(engine) == before


def test_every_problem_is_reported_at_once(engine: Engine) -> None:
    before = digest(engine)

    with pytest.raises(targets.TargetError) as err:
        targets.change(
            engine, WAITING, value=120, trajectory="2027: 92\nnext year 95\n2027: 93", reason=" ",
            who=ADA, base=REG,
        )  # fmt: skip

    assert err.value.problems == [
        "Give the reason for the change (for example the Board meeting that agreed it): readers "
        "see it wherever the target is shown.",
        "Trajectory entry 2, 'next year 95', is not a period and a value: write it like "
        "'2027: 90', one period a line.",
        "The trajectory gives 2027 twice: give each period once.",
        "target 120% is not between 0 and 100",
    ]
    assert digest(engine) == before


def test_going_back_needs_a_change_to_undo_and_a_reason(engine: Engine) -> None:
    before = digest(engine)
    with pytest.raises(targets.TargetError, match="has the strategy's own target already"):
        targets.restore(engine, WAITING, reason="Tidy up", who=ADA, base=REG)
    assert digest(engine) == before

    to_90(engine)
    after_change = digest(engine)
    with pytest.raises(targets.TargetError, match="Give the reason"):
        targets.restore(engine, WAITING, reason="", who=ADA, base=REG)
    assert digest(engine) == after_change


def test_a_registry_file_cannot_claim_a_change() -> None:
    text = REGISTRY_PATH.read_text(encoding="utf-8")
    claimed = text.replace(
        'id = "ehc_waiting_support"\n',
        'id = "ehc_waiting_support"\ntarget_change = { strategy = "100%", current = "50%", '
        'by = "x", at = 2026-01-01T00:00:00Z, reason = "y" }\n',
    )
    with pytest.raises(RegistryError) as err:
        load_text(claimed)
    assert [p.problem for p in err.value.problems] == [
        "target_change is made on the dashboard's Targets page, not written in the registry"
    ]


def test_trajectory_text_reads_each_entry_or_says_what_is_wrong() -> None:
    points, problems = targets.parse_trajectory("2027: 90\n2028 = 92.5%; 2029,95\n\n")
    assert [(p.period, p.value) for p in points] == [("2027", 90), ("2028", 92.5), ("2029", 95)]
    assert problems == []
    _, problems = targets.parse_trajectory("ninety")
    assert problems == [
        "Trajectory entry 1, 'ninety', is not a period and a value: write it like '2027: 90', "
        "one period a line."
    ]


def test_history_of_a_database_with_no_change_is_empty(engine: Engine) -> None:
    assert targets.history(engine).height == 0
    assert targets.effective_registry(engine, REG) == REG
    buffer = io.StringIO()
    targets.history_rows(targets.history(engine), REG).write_csv(buffer)
    assert buffer.getvalue().splitlines() == ["When (UK time),Measure,Version,Target,Reason,Who"]
