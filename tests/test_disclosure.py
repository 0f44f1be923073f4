"""Disclosure control: small counts as c, withheld rates, and totals that give nothing away."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from metrics import api, disclosure, summaries
from metrics import settings as settings_mod
from metrics.disclosure import PRIMARY, SECONDARY, Line
from metrics.results import RESULT_SCHEMA
from tests.conftest import REFERENCE, SEED_DIR

REG = api.registry()
TIMELINESS = REFERENCE / "ees-ehc-plans-2025" / "timeliness_20_week.csv"


def result_rows(indicator_id: str, period: str, *rows: dict[str, Any]) -> pl.DataFrame:
    """Result rows for one indicator and period; breakdown rows name breakdown and group."""
    ind = REG.indicator(indicator_id)
    from metrics import periods

    start, end = periods.parse(period, ind.period_type)
    full = []
    for row in rows:
        num, den = row.get("numerator"), row.get("denominator")
        value = row.get("value", 100 * num / den if num is not None and den else None)
        full.append(
            {
                "indicator_id": indicator_id,
                "period": period,
                "period_start": start,
                "period_end": end,
                "breakdown": row.get("breakdown"),
                "breakdown_group": row.get("group"),
                "numerator": num,
                "denominator": den,
                "value": value,
                "lower": row.get("lower"),
                "upper": row.get("upper"),
                "status": row.get("status"),
                "note": None,
            }
        )
    return pl.DataFrame(full, schema=RESULT_SCHEMA)


def published(frame: pl.DataFrame, threshold: int = 5) -> list[dict[str, Any]]:
    return disclosure.suppress_results(frame, threshold, registry=REG).to_dicts()


# ---------------------------------------------------------------------------------------------
# Worked examples: City of London's own published figures
# ---------------------------------------------------------------------------------------------


def official_city_timeliness(year: str) -> dict[str, str]:
    """The DfE row for City of London (LA 201), all EHC plans issued, in one calendar year."""
    rows = pl.read_csv(TIMELINESS, infer_schema=False).filter(
        (pl.col("old_la_code") == "201")
        & (pl.col("breakdown_topic") == "All EHC plans issued")
        & (pl.col("time_period") == year)
    )
    return rows.row(0, named=True)


def test_city_2024_four_of_five_plans_numerator_c_and_rate_withheld() -> None:
    official = official_city_timeliness("2024")
    # DfE: 4 of 5 plans issued within 20 weeks in 2024 (80%), including exceptions
    assert (official["plans_issued_within_20_weeks"], official["plans_issued_den"]) == ("4", "5")
    frame = result_rows(
        "ehc_20wk_incl_exceptions",
        "2024",
        {"numerator": 4.0, "denominator": 5.0, "lower": 37.6, "upper": 96.4},
    )
    (row,) = published(frame)
    # 4 is from 1 to 4: shown as c; 80% would give the 4 back (80% of 5), so it is withheld
    assert row["published_numerator"] == "c"
    assert row["published_denominator"] == "5"  # 5 is not below the threshold of 5
    assert row["published_value"] == "c"
    assert row["published_interval"] == "c"
    assert (row["numerator"], row["value"], row["lower"], row["upper"]) == (None,) * 4
    assert row["denominator"] == 5.0
    assert (row["numerator_flag"], row["value_flag"]) == (PRIMARY, disclosure.WITHHELD)
    assert "c: fewer than 5 children; suppressed to protect privacy" in row["footnote"]
    ind = REG.indicator("ehc_20wk_incl_exceptions")
    sentence = summaries.summary_sentence(ind, row)
    assert sentence.startswith("Fewer than 5 of 5 EHC plans were issued within 20 weeks in 2024")
    assert "4 of 5" not in sentence and "80" not in sentence


def test_a_held_back_value_holds_back_its_status_too() -> None:
    # City 2024, 4 of 5 plans in 20 weeks (DfE). Published, the denominator 5 stays and the rate
    # is withheld; "on track" against a 60% target would then say 3 or 4 of the 5 plans were on
    # time, so the published status is "too few to judge". A published value keeps its status.
    frame = result_rows(
        "ehc_20wk_incl_exceptions",
        "2024",
        {"numerator": 4.0, "denominator": 5.0, "status": "on_track"},
    )
    (row,) = published(frame)
    assert (row["value"], row["status"]) == (None, "too_few")

    shown = result_rows(
        "ehc_20wk_incl_exceptions",
        "2023",
        {"numerator": 5.0, "denominator": 5.0, "status": "on_track"},
    )
    (row,) = published(shown)
    assert (row["value"], row["status"]) == (100.0, "on_track")


def test_a_true_zero_stays_zero() -> None:
    # DfE tribunal table, City of London 2024: no appeals ("-") out of 26 appealable decisions
    frame = result_rows("tribunal_appeal_rate", "2024", {"numerator": 0.0, "denominator": 26.0})
    (row,) = published(frame)
    assert (row["published_numerator"], row["published_denominator"]) == ("0", "26")
    assert row["published_value"] == "0.0%"
    assert row["footnote"] is None
    assert row["value_flag"] is None


def test_counts_at_or_above_the_threshold_are_published() -> None:
    frame = result_rows("ehc_20wk_incl_exceptions", "2023", {"numerator": 5.0, "denominator": 5.0})
    (row,) = published(frame)
    assert (row["published_numerator"], row["published_value"]) == ("5", "100.0%")


def test_a_count_indicator_below_the_threshold_is_c() -> None:
    # one child in alternative provision
    frame = result_rows("ap_children", "2024/25", {"value": 1.0})
    (row,) = published(frame)
    assert (row["published_value"], row["value"], row["value_flag"]) == ("c", None, PRIMARY)
    sentence = summaries.summary_sentence(REG.indicator("ap_children"), row)
    assert "fewer than 5" in sentence and " 1 " not in sentence


def test_milestones_and_website_visits_are_not_counts_of_children() -> None:
    milestone = result_rows("p3_awareness_plan", "2025-Q3", {"value": 50.0})
    visits = result_rows("local_offer_hits", "2025-01", {"value": 3.0})
    assert published(milestone)[0]["published_value"] == "In progress"
    assert published(visits)[0]["published_value"] == "3"


def test_secondary_suppression_across_breakdown_groups() -> None:
    # 8 of 10 plans on time: girls 3 of 3, boys 5 of 7. Girls' 3 is c; the total 8 would give
    # it back (8 - 5 = 3), so the next smallest group count, the boys' 5, is hidden as well.
    frame = result_rows(
        "ehc_20wk_incl_exceptions",
        "2025",
        {"numerator": 8.0, "denominator": 10.0},
        {"breakdown": "Sex", "group": "Female", "numerator": 3.0, "denominator": 3.0},
        {"breakdown": "Sex", "group": "Male", "numerator": 5.0, "denominator": 7.0},
    )
    head, girls, boys = published(frame)
    assert (head["published_numerator"], head["published_denominator"]) == ("8", "10")
    assert (girls["published_numerator"], girls["published_denominator"]) == ("c", "c")
    # the boys' 7 hides the girls' 3 in the denominator line (10 - 7 = 3) too
    assert (boys["published_numerator"], boys["published_denominator"]) == ("c", "c")
    assert (boys["numerator_flag"], boys["denominator_flag"]) == (SECONDARY, SECONDARY)
    assert "secondary suppression" in boys["footnote"]
    assert boys["value"] is None and boys["published_value"] == "c"


def test_a_breakdown_that_would_cost_the_headline_is_left_out() -> None:
    # 6 of 6 decisions on time; by sex: girls 1 of 1, boys 5 of 5. Hiding the girls' 1 needs
    # the boys' 5 hidden; but a secondary cell is 0 or at least 5, so 6 = c + (5 or more)
    # still pins the girls at 1. Only hiding the headline 6 would protect them: the breakdown
    # by sex is left out for this year instead, and the headline stays.
    frame = result_rows(
        "ehc_6wk_decisions",
        "2026",
        {"numerator": 6.0, "denominator": 6.0},
        {"breakdown": "Sex", "group": "Female", "numerator": 1.0, "denominator": 1.0},
        {"breakdown": "Sex", "group": "Male", "numerator": 5.0, "denominator": 5.0},
    )
    rows = published(frame)
    assert len(rows) == 1
    (head,) = rows
    assert (head["published_numerator"], head["published_value"]) == ("6", "100.0%")
    assert "breakdown not published for this period" in head["footnote"]
    assert "(Sex)" in head["footnote"]


def test_ethnic_groups_nest_in_global_majority() -> None:
    # Global majority 12 = Asian 4 + Black 4 + Mixed 4. Three c cells adding up to 12 can
    # only be 4 each (c is 1 to 4), so one more number in that sum must go. The only
    # others are the Global majority count and the headline it equals, so to keep the
    # headline the ethnic group breakdown is left out for this period.
    ind = "ehc_plans_global_majority"
    frame = result_rows(
        ind,
        "2024-01",
        {"numerator": 12.0, "denominator": 23.0},
        {"breakdown": "Ethnic group", "group": "Asian", "numerator": 4.0, "denominator": 4.0},
        {"breakdown": "Ethnic group", "group": "Black", "numerator": 4.0, "denominator": 4.0},
        {"breakdown": "Ethnic group", "group": "Mixed", "numerator": 4.0, "denominator": 4.0},
        {"breakdown": "Ethnic group", "group": "White", "numerator": 0.0, "denominator": 11.0},
        {"breakdown": "Global majority and White", "group": "Global majority",
         "numerator": 12.0, "denominator": 12.0},
        {"breakdown": "Global majority and White", "group": "White",
         "numerator": 0.0, "denominator": 11.0},
    )  # fmt: skip
    rows = published(frame)
    assert [(r["breakdown"], r["breakdown_group"]) for r in rows] == [
        (None, None),
        ("Global majority and White", "Global majority"),
        ("Global majority and White", "White"),
    ]
    assert rows[0]["published_numerator"] == "12"
    assert "(Ethnic group)" in rows[0]["footnote"]


def test_threshold_comes_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEASURES_DISCLOSURE_THRESHOLD", "10")
    settings_mod.get_settings.cache_clear()
    try:
        assert disclosure.default_threshold() == 10
        frame = result_rows("ap_children", "2024/25", {"value": 7.0})
        (row,) = disclosure.suppress_results(frame, registry=REG).to_dicts()
        assert row["published_value"] == "c"
        assert "fewer than 10 children" in row["footnote"]
    finally:
        monkeypatch.delenv("MEASURES_DISCLOSURE_THRESHOLD")
        settings_mod.get_settings.cache_clear()


def test_footnotes_name_the_threshold() -> None:
    assert (
        disclosure.FOOTNOTES[PRIMARY] == "c: fewer than 5 children; suppressed to protect privacy"
    )
    assert disclosure.FOOTNOTES[SECONDARY] == (
        "secondary suppression: suppressed so that another suppressed value cannot be worked out"
    )
    assert disclosure.footnotes(10)[PRIMARY].startswith("c: fewer than 10 children")


# ---------------------------------------------------------------------------------------------
# Plain tables of counts
# ---------------------------------------------------------------------------------------------


def test_plain_table_worked_example() -> None:
    # Placements by provider (rows) and term (columns), with totals.
    #              autumn spring total
    #   Provider A    3      7     10     3 is c; column autumn: 3 + 9 = 12 gives it back,
    #   Provider B    9     12     21     row A: 3 + 7 = 10 gives it back too
    #   Total        12     19     31
    frame = pl.DataFrame(
        {
            "provider": ["A", "B", "Total"],
            "autumn": [3, 9, 12],
            "spring": [7, 12, 19],
            "total": [10, 21, 31],
        }
    )
    out = disclosure.suppress_table(
        frame, ["autumn", "spring"], total_column="total", total_row=-1, threshold=5
    )
    # row A hides its next smallest, spring 7; then column autumn hides its next smallest,
    # 9; then column spring (7 hidden) hides 12: the 2 x 2 block A/B x autumn/spring.
    assert out.select("autumn", "spring", "total").rows() == [
        ("c", "c", "10"),
        ("c", "c", "21"),
        ("12", "19", "31"),
    ]
    assert out.get_column("footnote").to_list()[0] == (
        disclosure.FOOTNOTES[PRIMARY] + " | " + disclosure.FOOTNOTES[SECONDARY]
    )
    assert out.get_column("footnote").to_list()[2] is None


def test_two_c_cells_that_must_both_be_one_are_protected() -> None:
    # 1 + 1 + 10 = 12: with 10 and 12 published, the two c cells add up to 2, and as c means
    # 1 to 4 both would be 1. So the 10 is hidden too.
    frame = pl.DataFrame({"a": [1], "b": [1], "c": [10], "total": [12]})
    out = disclosure.suppress_table(frame, ["a", "b", "c"], total_column="total", threshold=5)
    assert out.select("a", "b", "c", "total").row(0) == ("c", "c", "c", "12")


def test_zero_is_not_suppressed_as_small() -> None:
    frame = pl.DataFrame({"a": [0], "b": [12], "total": [12]})
    out = disclosure.suppress_table(frame, ["a", "b"], total_column="total", threshold=5)
    assert out.select("a", "b", "total").row(0) == ("0", "12", "12")


def test_solvable_finds_a_cell_joining_two_hidden_blocks() -> None:
    # Every row and column below has 0 or at least 2 hidden cells (x), yet the cell joining
    # the two hidden 2 x 2 blocks, (row 2, column 3), follows from the totals: add rows 1-2
    # and take away columns 1-2, and only that cell is left.
    #        c1 c2 c3 c4
    #   r1    x  x  .  .
    #   r2    x  x  x  .
    #   r3    .  .  x  x
    #   r4    .  .  x  x
    hidden_at = {(1, 1), (1, 2), (2, 1), (2, 2), (2, 3), (3, 3), (3, 4), (4, 3), (4, 4)}
    cells = {(r, c): i for i, (r, c) in enumerate((r, c) for r in range(6) for c in range(6))}
    lines = [Line(tuple(cells[(r, c)] for c in range(1, 5)), cells[(r, 0)]) for r in range(1, 5)]
    lines += [Line(tuple(cells[(r, c)] for r in range(1, 5)), cells[(0, c)]) for c in range(1, 5)]
    hidden = [cells[rc] for rc in sorted(hidden_at)]
    assert disclosure.solvable(lines, hidden) == {cells[(2, 3)]}


def test_bounds_round_a_loop_that_cannot_hold_stop_and_claim_nothing() -> None:
    # x = y + a and y = x + b with a = b = 3 published: no whole numbers fit, but bounds
    # from 0 to 10**15 only creep down 3 a pass. The bounds give up (claim no cell pinned)
    # instead of running for ever; the exhaustive search then errs towards protection.
    x, y, a, b = 0, 1, 2, 3
    lines = [Line((y, a), x), Line((x, b), y)]
    ranges = [(0, 10**15, True), (0, 10**15, True), (3, 3, False), (3, 3, False)]
    assert disclosure.pinned_by_bounds(lines, ranges, threshold=5) == set()


def test_a_hidden_count_is_never_bounded_below_its_true_value() -> None:
    # The search stands twice the largest count in for "no upper limit"; a secondary `c`
    # holding the largest count must still be allowed its own value, or nothing is safe.
    values = [40.0, 2.0, 38.0, 0.0]  # total, c, a large group, an empty group
    lines = [Line((1, 2, 3), 0)]
    state = disclosure.protect(values, lines, threshold=5)
    assert state[1] == PRIMARY
    assert state[2] == SECONDARY  # the one cell beside the `c` that is not a zero
    assert state[0] is None and state[3] is None


# ---------------------------------------------------------------------------------------------
# Properties: any table of counts with row and column totals
# ---------------------------------------------------------------------------------------------

# many small counts and zeros, some large ones: the mix that makes suppression work hard
counts = st.integers(min_value=0, max_value=4) | st.integers(min_value=0, max_value=30)


@st.composite
def count_tables(draw: st.DrawFn) -> tuple[list[list[int]], int]:
    rows = draw(st.integers(min_value=1, max_value=6))
    cols = draw(st.integers(min_value=1, max_value=6))
    inner = [[draw(counts) for _ in range(cols)] for _ in range(rows)]
    return inner, draw(st.integers(min_value=2, max_value=7))


def with_totals(inner: list[list[int]]) -> list[list[int]]:
    """The table with a total column on the right and a total row at the bottom."""
    rows = [[*row, sum(row)] for row in inner]
    return [*rows, [sum(col) for col in zip(*rows, strict=True)]]


def lines_of(n_rows: int, n_cols: int) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    """Every row and column (totals included) as (member cells, total cell)."""
    out = [([(r, c) for c in range(n_cols - 1)], (r, n_cols - 1)) for r in range(n_rows)]
    out += [([(r, c) for r in range(n_rows - 1)], (n_rows - 1, c)) for c in range(n_cols)]
    return out


def determined(hidden: list[tuple[int, int]], lines: Sequence[Any], cell: tuple[int, int]) -> bool:
    """Whether a hidden cell's value follows from the published totals (numpy rank test).

    Each line says members - total = (known numbers); the cell is determined exactly when
    its unit vector lies in the row space of those equations over the hidden cells.
    """
    index = {c: i for i, c in enumerate(hidden)}
    matrix = []
    for members, total in lines:
        row = np.zeros(len(hidden))
        for m in members:
            if m in index:
                row[index[m]] += 1
        if total in index:
            row[index[total]] -= 1
        if row.any():
            matrix.append(row)
    if not matrix:
        return True
    a = np.array(matrix)
    unit = np.zeros(len(hidden))
    unit[index[cell]] = 1
    return np.linalg.matrix_rank(np.vstack([a, unit])) == np.linalg.matrix_rank(a)


def possible_sums(cell_sets: list[set[int]], limit: int) -> set[int]:
    sums = {0}
    for values in cell_sets:
        sums = {s + v for s in sums for v in values if s + v <= limit}
    return sums


# A table where "0 or at least 2 hidden cells in every row and column" is not enough: without
# solving the equations, the hidden cells would leave a small count that the totals give away.
NEEDS_SOLVING = (
    [
        [10, 2, 2, 8, 3, 0],
        [15, 3, 8, 30, 20, 8],
        [3, 6, 8, 5, 20, 9],
        [5, 7, 30, 4, 10, 8],
        [9, 12, 0, 6, 15, 20],
    ],
    5,
)


@settings(max_examples=300, deadline=None)
@given(count_tables())
@example(NEEDS_SOLVING)
def test_no_small_count_is_published_and_none_can_be_worked_out(
    case: tuple[list[list[int]], int],
) -> None:
    inner, threshold = case
    grid = with_totals(inner)
    n_rows, n_cols = len(grid), len(grid[0])
    names = [f"c{i}" for i in range(n_cols - 1)]
    frame = pl.DataFrame([row for row in grid], schema=[*names, "total"], orient="row")
    out = disclosure.suppress_table(
        frame, names, total_column="total", total_row=-1, threshold=threshold, with_flags=True
    )
    columns = [*names, "total"]
    shown = [[out[c][r] for c in columns] for r in range(n_rows)]
    flags = [[out[f"{c}_flag"][r] for c in columns] for r in range(n_rows)]

    # 1. no published cell is from 1 to threshold-1; every other cell shows its true value
    for r in range(n_rows):
        for c in range(n_cols):
            if shown[r][c] == "c":
                continue
            assert int(shown[r][c]) == grid[r][c]
            assert not 0 < grid[r][c] < threshold

    hidden = [(r, c) for r in range(n_rows) for c in range(n_cols) if shown[r][c] == "c"]
    lines = lines_of(n_rows, n_cols)
    # 2. every row and column (with its total) hides no cell or at least two
    for members, total in lines:
        count = sum(shown[r][c] == "c" for r, c in [*members, total])
        assert count == 0 or count >= 2

    # 3. no small count can be solved from the published totals
    small = [(r, c) for r, c in hidden if 0 < grid[r][c] < threshold]
    for cell in small:
        assert not determined(hidden, lines, cell), (grid, shown, cell)

    # 4. nor pinned to one value by a published total, knowing that c means 1 to threshold-1
    #    and a secondary cell is 0 or at least the threshold
    if threshold < 3:
        return
    for members, total in lines:
        r0, c0 = total
        if shown[r0][c0] == "c":
            continue
        known = grid[r0][c0] - sum(grid[r][c] for r, c in members if shown[r][c] != "c")
        secret = [(r, c) for r, c in members if shown[r][c] == "c"]
        reader_sets = {
            cell: set(range(1, threshold))
            if flags[cell[0]][cell[1]] == PRIMARY
            else {0, *range(threshold, known + 1)}
            for cell in secret
        }
        for cell in secret:
            if flags[cell[0]][cell[1]] != PRIMARY:
                continue
            others = possible_sums([v for k, v in reader_sets.items() if k != cell], known)
            options = {v for v in reader_sets[cell] if known - v in others}
            assert len(options) >= 2, (grid, shown, cell, options)


# ---------------------------------------------------------------------------------------------
# The demo data, end to end
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_results(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    from metrics.db import store

    path: Path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    eng = store.ready_engine(f"sqlite:///{path}")
    api.seed(eng, REG, SEED_DIR)
    return api.compute(eng, REG, on=dt.date(2026, 11, 27))


def test_demo_data_publishes_no_small_count(demo_results: pl.DataFrame) -> None:
    out = disclosure.suppress_results(demo_results, 5, registry=REG)
    people = [i.id for i in REG.indicators if disclosure.applies_to(i)]
    counted = out.filter(pl.col("indicator_id").is_in(people))
    for column in ("published_numerator", "published_denominator"):
        shown = counted.get_column(column).drop_nulls()
        numbers = shown.filter(shown != "c").str.replace_all(",", "").cast(pl.Float64)
        assert not ((numbers > 0) & (numbers < 5)).any(), column
    plain = [i.id for i in REG.indicators if i.type.value in ("count", "cumulative_count")]
    values = out.filter(pl.col("indicator_id").is_in(plain)).get_column("value").drop_nulls()
    assert not ((values > 0) & (values < 5)).any()
    # nothing hidden survives in the numbers a chart would draw
    flagged = out.filter(pl.col("value_flag").is_not_null())
    assert flagged.select("value", "lower", "upper").null_count().row(0) == (flagged.height,) * 3


def test_demo_breakdowns_never_hide_exactly_one_cell(demo_results: pl.DataFrame) -> None:
    out = disclosure.suppress_results(demo_results, 5, registry=REG)
    keys = ["indicator_id", "period", "breakdown", "breakdown_group"]
    joined = demo_results.join(
        out.select(*keys, "numerator_flag"), on=keys, how="inner", nulls_equal=True
    )
    heads = joined.filter(pl.col("breakdown").is_null()).select(
        "indicator_id", "period", head=pl.col("numerator"), head_hidden="numerator_flag"
    )
    groups = (
        joined.filter(pl.col("breakdown").is_not_null() & (pl.col("breakdown") != "Band"))
        .group_by("indicator_id", "period", "breakdown")
        .agg(
            total=pl.col("numerator").sum(),
            hidden=pl.col("numerator_flag").is_not_null().sum(),
        )
        .join(heads, on=["indicator_id", "period"])
        .filter(pl.col("head").is_not_null() & (pl.col("total") == pl.col("head")))
        .with_columns(
            hidden_in_line=pl.col("hidden") + pl.col("head_hidden").is_not_null().cast(pl.UInt32)
        )
    )
    assert groups.height > 20  # the check really ran over many tables
    assert groups.filter(pl.col("hidden_in_line") == 1).height == 0
