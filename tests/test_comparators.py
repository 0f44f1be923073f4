"""How we compare: England, the region, the comparison group and every authority.

Small hand-made sets of official rows show each rule with the arithmetic in a comment; the last
tests read the real DfE file and count from it with the csv module.
"""

from __future__ import annotations

import csv
from typing import Any

import polars as pl
import pytest
from conftest import REFERENCE

from metrics import comparators, datasets, official, registry
from metrics.registry import Area, ComparisonArea, ComparisonGroup, Indicator, Source

REG = registry.load()
TIMELINESS = REFERENCE / "ees-ehc-plans-2025" / "timeliness_20_week.csv"

AREA = Area(
    name="City of London",
    la_code="201",
    new_la_code="E09000001",
    strategy_title="A strategy",
    strategy_period="2025-2029",
    region_code="E12000007",
    region_name="London",
    comparison_group=ComparisonGroup(
        name="Neighbours",
        members=(
            ComparisonArea(name="Borough A", new_la_code="E09000101", old_la_code="101"),
            ComparisonArea(name="Borough B", new_la_code="E09000102", old_la_code="102"),
        ),
    ),
)


def rate(polarity: str = "higher_is_better", **fields: Any) -> Indicator:
    return Indicator(
        id="plans", priority="1", measure="plans on time", title="EHC plans issued within 20 weeks",
        description="Plans on time.", type="rate", unit="percent", polarity=polarity,
        period_type="calendar_year", update_frequency="annually", methodology="DfE.",
        source=Source(dataset="indicator_values"), **fields,
    )  # fmt: skip


PLANS = rate()
COUNT = Indicator(
    id="plans", priority="context", measure="plans", title="EHC plans", description="Plans.",
    type="count", unit="count", polarity="none", period_type="calendar_year",
    update_frequency="annually", methodology="DfE.", source=Source(dataset="indicator_values"),
)  # fmt: skip


def row(
    area: str,
    period: str = "2024",
    *,
    level: str = "local_authority",
    code: str | None = None,
    old: str | None = None,
    num: float | None = None,
    den: float | None = None,
    value: float | None = None,
    symbol: str | None = None,
    source: str = "ees",
) -> dict[str, Any]:
    if value is None and symbol is None and num is not None and den:
        value = round(100 * num / den, 1)
    return {
        "indicator_id": "plans", "period": period, "source": source, "geographic_level": level,
        "area_code": code, "area": area, "old_la_code": old, "breakdown": None,
        "numerator": num, "denominator": den, "value": value, "symbol": symbol,
        "source_file": "t.csv",
    }  # fmt: skip


def england(**kw: Any) -> dict[str, Any]:
    return row("England", level="national", code="E92000001", **kw)


def london(**kw: Any) -> dict[str, Any]:
    return row("London", level="regional", code="E12000007", **kw)


def city(**kw: Any) -> dict[str, Any]:
    return row("City of London", code="E09000001", old="201", **kw)


def borough(letter: str, **kw: Any) -> dict[str, Any]:
    n = {"A": "101", "B": "102"}[letter]
    return row(f"Borough {letter}", **{"code": f"E09000{n}", "old": n} | kw)


SCHEMA = {
    c.name: pl.Float64 if c.name in ("numerator", "denominator", "value") else pl.String
    for c in datasets.get("official_values").columns
}


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SCHEMA)


def by_role(series: pl.DataFrame, period: str = "2024") -> dict[str, dict[str, Any]]:
    return {
        r["comparator"]: r for r in series.filter(pl.col("period") == period).iter_rows(named=True)
    }


# --------------------------------------------------------------------------------------------
# The comparator series
# --------------------------------------------------------------------------------------------

ROWS_2024 = frame(
    england(num=39407, den=84866, value=46.4),
    london(num=8390, den=12544, value=66.9),
    city(num=4, den=5),
    borough("A", num=30, den=40),
    borough("B", num=10, den=60),
    row("Elsewhere", code="E09000999", old="999", num=1, den=2),
)


def test_england_london_the_group_and_each_member_with_our_own_figure() -> None:
    series = comparators.comparator_series(ROWS_2024, PLANS, AREA)
    got = by_role(series)

    assert sorted(got) == ["Borough A", "Borough B", "City of London", "England", "London",
                           "Neighbours"]  # fmt: skip
    assert "Elsewhere" not in got  # not in the group, not us
    assert got["England"]["role"] == "england"
    assert got["London"]["role"] == "region"
    assert got["City of London"]["role"] == "area"
    assert {got["Borough A"]["role"], got["Borough B"]["role"]} == {"member"}
    # England's figure is the published one: 46.4%, not recomputed
    assert got["England"]["value"] == 46.4


def test_the_group_is_one_pooled_rate_not_the_average_of_its_members() -> None:
    got = by_role(comparators.comparator_series(ROWS_2024, PLANS, AREA))["Neighbours"]
    # (30 + 10) / (40 + 60) = 40 / 100 = 40.0%; the members' average would be
    # (75.0% + 16.7%) / 2 = 45.8%
    assert (got["numerator"], got["denominator"], got["value"]) == (40, 100, 40.0)
    assert got["role"] == "group"
    assert got["note"] == "Pooled over all 2 members."


def test_a_rate_with_counts_carries_its_95_percent_wilson_interval() -> None:
    got = by_role(comparators.comparator_series(ROWS_2024, PLANS, AREA))["City of London"]
    # 4 of 5: Wilson 37.6% to 96.4% (p = 0.8, n = 5, z = 1.96)
    assert got["lower"] == pytest.approx(37.55, abs=0.01)
    assert got["upper"] == pytest.approx(96.38, abs=0.01)


def test_a_member_without_counts_is_left_out_of_the_pool_and_said_so() -> None:
    rows = frame(england(num=1, den=2), borough("A", num=30, den=40), borough("B", symbol="c"))
    got = by_role(comparators.comparator_series(rows, PLANS, AREA))
    # only Borough A has counts: 30 / 40 = 75.0%
    assert got["Neighbours"]["value"] == 75.0
    assert got["Neighbours"]["note"] == "Pooled over the 1 of 2 members with counts."
    assert got["Borough B"]["value"] is None
    assert got["Borough B"]["note"] == "confidential: withheld to protect privacy"


def test_with_values_only_the_group_is_its_median_member() -> None:
    rows = frame(
        england(value=3.2, source="lait"),
        borough("A", value=1.5, source="lait", code=None),
        borough("B", value=2.5, source="lait", code=None),
    )
    got = by_role(comparators.comparator_series(rows, PLANS, AREA))
    # LAIT gives no counts: the median of 1.5 and 2.5 is 2.0
    assert got["Neighbours"]["value"] == 2.0
    assert got["Neighbours"]["note"] == (
        "Median of the 2 members' published rates (the file gives no counts)."
    )
    # a LAIT authority has only its old code, and is still found
    assert got["Borough A"]["role"] == "member"


def test_for_a_count_the_group_is_its_members_together() -> None:
    rows = frame(england(value=638745), borough("A", value=2000), borough("B", value=3500))
    got = by_role(comparators.comparator_series(rows, COUNT, AREA))
    # 2,000 + 3,500 = 5,500; a count has no interval
    assert got["Neighbours"]["value"] == 5500
    assert got["Neighbours"]["lower"] is None


def test_where_both_files_give_a_figure_the_one_with_counts_is_used() -> None:
    rows = frame(
        england(period="2023", num=38471, den=76506, value=50.3),
        england(period="2023", value=50.3, source="lait"),
        england(period="2018", value=60.1, source="lait"),
    )
    series = comparators.comparator_series(rows, PLANS, AREA)
    assert series.select("period", "source", "numerator").rows() == [
        ("2018", "lait", None),  # only LAIT goes back to 2018
        ("2023", "ees", 38471),
    ]
    # periods are dated, so the chart can put them in time order
    assert series.get_column("period_start").to_list()[0].isoformat() == "2018-01-01"


def test_the_comparison_sentence() -> None:
    series = comparators.comparator_series(ROWS_2024, PLANS, AREA)
    assert comparators.comparison_sentence(PLANS, series, AREA) == (
        "In 2024: England 46.4% (39,407 of 84,866); London 66.9% (8,390 of 12,544); "
        "Neighbours 40.0% (40 of 100), pooled. City of London had a published figure of 80.0% "
        "(4 of 5)."
    )


def test_the_comparison_sentence_says_when_our_figure_was_not_published() -> None:
    rows = frame(england(num=39407, den=84866, value=46.4), city(num=0, den=0, symbol="x"))
    series = comparators.comparator_series(rows, PLANS, AREA.model_copy(update={
        "comparison_group": None}))  # fmt: skip
    assert comparators.comparison_sentence(PLANS, series, AREA) == (
        "In 2024: England 46.4% (39,407 of 84,866). City of London has no published figure "
        "(x: not available)."
    )


# --------------------------------------------------------------------------------------------
# Every authority: rank and the ranks it could plausibly hold
# --------------------------------------------------------------------------------------------

# Eight other authorities and ours, 4 of 5 (80%; Wilson 37.6% to 96.4%).
OTHERS = [99, 90, 85, 80, 70, 50, 30, 10]
FIELD = frame(
    city(num=4, den=5),
    *(
        row(f"LA {v}", code=f"E09000{500 + i}", old=f"{500 + i}", value=v)
        for i, v in enumerate(OTHERS)
    ),
    england(value=46.4),  # not an authority: never ranked
)


def test_rank_and_plausible_ranks_when_higher_is_better() -> None:
    dist = comparators.distribution(FIELD, PLANS, AREA)
    assert dist is not None
    # rank = 1 + authorities above 80%: 99, 90, 85 -> 4th, level with the other 80
    assert (dist.rank, dist.ties, dist.authorities) == (4, 1, 9)
    # at 96.4% only 99 is above: 2nd; at 37.6%, six are above (99 ... 50): 7th
    assert (dist.best_rank, dist.worst_rank) == (2, 7)
    assert dist.period == "2024"
    assert dist.higher_first


def test_rank_and_plausible_ranks_when_lower_is_better() -> None:
    dist = comparators.distribution(FIELD, rate("lower_is_better"), AREA)
    assert dist is not None
    # rank = 1 + authorities below 80%: 70, 50, 30, 10 -> 5th
    assert dist.rank == 5
    # at 37.6%: 30 and 10 are below -> 3rd; at 96.4%: all but 99 are below -> 8th
    assert (dist.best_rank, dist.worst_rank) == (3, 8)
    assert not dist.higher_first


def test_the_rank_sentence_shows_the_interval_and_calls_the_rank_unstable() -> None:
    dist = comparators.distribution(FIELD, PLANS, AREA)
    assert dist is not None
    assert comparators.rank_sentence(PLANS, dist, AREA) == (
        "In 2024, City of London's 80.0% (4 of 5) places it 4th of 9 local authorities, joint "
        "with one other (1st is the highest, the best). With so few children, its 95% interval "
        "runs from 37.6% to 96.4%, so it could plausibly stand anywhere from 2nd to 7th: the "
        "rank is unstable and should not be read on its own."
    )


def test_with_no_published_figure_we_have_no_rank() -> None:
    rows = frame(city(num=0, den=0, symbol="x"), row("LA", code="E09000500", old="500", value=9))
    dist = comparators.distribution(rows, PLANS, AREA)
    assert dist is not None
    assert dist.rank is None and dist.best_rank is None
    assert comparators.rank_sentence(PLANS, dist, AREA) == (
        "City of London has no figure (x: not available) for 2024, so it has no rank among the "
        "1 authorities that have one."
    )


def test_the_latest_period_with_authority_figures_is_shown_by_default() -> None:
    rows = frame(
        city(period="2023", num=5, den=5),
        city(period="2024", num=4, den=5),
        england(period="2025", value=50.0),  # England alone is not a distribution
    )
    dist = comparators.distribution(rows, PLANS, AREA)
    assert dist is not None and dist.period == "2024"
    assert comparators.distribution(rows, PLANS, AREA, "2023").rank == 1  # type: ignore[union-attr]
    assert comparators.distribution(frame(england(value=1.0)), PLANS, AREA) is None


@pytest.mark.parametrize(
    ("n", "words"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th"), (152, "152nd")],
)  # fmt: skip
def test_ordinals(n: int, words: str) -> None:
    assert comparators.ordinal(n) == words


# --------------------------------------------------------------------------------------------
# The real file
# --------------------------------------------------------------------------------------------


def _published_2024_rates() -> tuple[float, list[float]]:
    """City of London's and every other authority's 2024 rate including exceptions."""
    others, ours = [], None
    with TIMELINESS.open(encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            if (
                r["time_period"] == "2024"
                and r["geographic_level"] == "Local authority"
                and r["breakdown_topic"] == "All EHC plans issued"
                and r["pc_plans_issued_within_20_weeks"] != "x"
            ):
                value = float(r["pc_plans_issued_within_20_weeks"])
                if r["new_la_code"] == "E09000001":
                    ours = value
                else:
                    others.append(value)
    assert ours is not None
    return ours, others


def test_city_of_londons_2024_rank_among_every_authority_from_the_dfe_file() -> None:
    ind = REG.indicator("ehc_20wk_incl_exceptions")
    rows = official.convert(TIMELINESS.read_bytes(), TIMELINESS.name, REG).rows
    dist = comparators.distribution(rows, ind, REG.area)
    assert dist is not None and dist.period == "2024"

    ours, others = _published_2024_rates()
    assert ours == 80.0  # 4 of 5
    assert dist.rank == 1 + sum(v > ours for v in others)
    assert dist.authorities == 1 + len(others)
    # the Wilson interval of 4 of 5 is 37.55% to 96.38%
    assert dist.best_rank == 1 + sum(v > 96.38 for v in others)
    assert dist.worst_rank == 1 + sum(v > 37.55 for v in others)
    assert dist.best_rank < dist.rank < dist.worst_rank


def test_the_nel_icb_boroughs_in_the_registry_are_the_dfe_codes_and_names() -> None:
    group = REG.area.comparison_group
    assert group is not None
    published: dict[str, tuple[str, str]] = {}
    with TIMELINESS.open(encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            if r["geographic_level"] == "Local authority":
                published[r["la_name"]] = (r["new_la_code"], r["old_la_code"])
    members = {m.name: (m.new_la_code, m.old_la_code) for m in group.members}
    assert sorted(members) == [
        "Barking and Dagenham", "Hackney", "Havering", "Newham", "Redbridge", "Tower Hamlets",
        "Waltham Forest",
    ]  # fmt: skip
    assert all(members[name] == published[name] for name in members)
