"""How we compare: England, the region and a group of authorities beside our own figure, and
where every authority stands. Pure functions over the stored official rows.

Where two kinds of file give the same figure (EES and LAIT agree where both publish), the EES
row is used: it has the counts behind the rate. The comparison group is one pooled rate, its
members' numerators over their denominators summed, so a big borough weighs more than a small
one, exactly as if the group were one authority; each member is also given on its own.

City of London's numbers are very small, so its rank among authorities moves a long way on one
child. The rank comes with the range of ranks it could plausibly hold: the ranks its rate would
have at either end of its 95% Wilson interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from metrics import periods, stats, summaries
from metrics.official import symbol_meaning, symbol_meaning_expr
from metrics.registry import Area, Indicator, IndicatorType, Unit
from metrics.status import better_sign

SOURCE_ORDER = {"ees": 0, "lait": 1}
SOURCE_WORDS = {
    "ees": "DfE, Explore Education Statistics",
    "lait": "DfE, Local Authority Interactive Tool",
}
# The lines the trend chart draws, in legend order; members and our own official figure are
# for the table.
CHART_ROLES = ("england", "region", "group")
ROLE_ORDER = {"area": 0, "england": 1, "region": 2, "group": 3, "member": 4}

SERIES_SCHEMA: dict[str, pl.DataType] = {
    "indicator_id": pl.String(),
    "period": pl.String(),
    "period_start": pl.Date(),
    "period_end": pl.Date(),
    "role": pl.String(),  # area (our own official figure), england, region, group, member
    "comparator": pl.String(),  # the area's name, for legends and tables
    "numerator": pl.Float64(),
    "denominator": pl.Float64(),
    "value": pl.Float64(),
    "lower": pl.Float64(),
    "upper": pl.Float64(),
    "symbol": pl.String(),
    "note": pl.String(),
    "source": pl.String(),
}


def _is_rate(indicator: Indicator) -> bool:
    return indicator.unit is Unit.percent


def _area_key() -> pl.Expr:
    """The same area in either kind of file: LAIT has no new codes, EES has both."""
    level = pl.col("geographic_level")
    return (
        pl.when(level == "national")
        .then(pl.lit("england"))
        .when(level == "regional")
        .then(pl.concat_str(pl.lit("region:"), pl.coalesce("area_code", "area")))
        .otherwise(pl.concat_str(pl.lit("la:"), pl.coalesce("old_la_code", "area_code", "area")))
    )


def preferred(official: pl.DataFrame | pl.LazyFrame, indicator_id: str) -> pl.LazyFrame:
    """One row per period and area for an indicator, from the file with counts where both
    kinds of file give it."""
    return (
        official.lazy()
        .filter(pl.col("indicator_id") == indicator_id)
        .with_columns(
            _key=_area_key(),
            _rank=pl.col("source").replace_strict(SOURCE_ORDER, default=9, return_dtype=pl.Int8),
        )
        .filter(pl.col("_rank") == pl.col("_rank").min().over("period", "_key"))
        .drop("_rank")
    )


def _is_home(area: Area) -> pl.Expr:
    return (pl.col("geographic_level") == "local_authority") & (
        (pl.col("area_code") == area.new_la_code) | (pl.col("old_la_code") == area.la_code)
    ).fill_null(False)


def _member_names(area: Area) -> tuple[pl.Expr, pl.Expr]:
    """Whether a row is a member of the comparison group, and the member's registry name."""
    group = area.comparison_group
    if group is None:
        return pl.lit(False), pl.lit(None, dtype=pl.String)
    by_new = {m.new_la_code: m.name for m in group.members}
    by_old = {m.old_la_code: m.name for m in group.members}
    name = pl.coalesce(
        pl.col("area_code").replace_strict(by_new, default=None, return_dtype=pl.String),
        pl.col("old_la_code").replace_strict(by_old, default=None, return_dtype=pl.String),
    )
    is_member = (pl.col("geographic_level") == "local_authority") & name.is_not_null()
    return is_member, name


def _with_bounds(frame: pl.LazyFrame, indicator: Indicator, labels: list[str]) -> pl.LazyFrame:
    """Each period's first and last day (a handful of labels, looked up once each)."""
    valid = [p for p in labels if periods.is_valid(p, indicator.period_type)]
    bounds = pl.LazyFrame(
        [(p, *periods.parse(p, indicator.period_type)) for p in valid],
        schema={"period": pl.String, "period_start": pl.Date, "period_end": pl.Date},
        orient="row",
    )
    return frame.join(bounds, on="period", how="left")


def _interval(indicator: Indicator) -> tuple[pl.Expr, pl.Expr]:
    if not _is_rate(indicator):
        return pl.lit(None, dtype=pl.Float64), pl.lit(None, dtype=pl.Float64)
    return stats.wilson_exprs(pl.col("numerator"), pl.col("denominator"))


def comparator_series(
    official: pl.DataFrame | pl.LazyFrame, indicator: Indicator, area: Area
) -> pl.DataFrame:
    """England, the region, the comparison group (pooled) and each member, and our own
    published figure, for every period the official files give (SERIES_SCHEMA)."""
    rows = preferred(official, indicator.id)
    is_member, member_name = _member_names(area)
    level = pl.col("geographic_level")
    group = area.comparison_group
    labelled = rows.with_columns(
        role=pl.when(_is_home(area))
        .then(pl.lit("area"))
        .when(level == "national")
        .then(pl.lit("england"))
        .when((level == "regional") & (pl.col("area_code") == (area.region_code or "")))
        .then(pl.lit("region"))
        .when(is_member)
        .then(pl.lit("member"))
        .otherwise(pl.lit(None, dtype=pl.String)),
        comparator=pl.when(_is_home(area))
        .then(pl.lit(area.name))
        .when(level == "regional")
        .then(pl.lit(area.region_name) if area.region_name else pl.col("area"))
        .otherwise(pl.coalesce(member_name, "area")),
        note=symbol_meaning_expr(pl.col("symbol")),
    ).filter(pl.col("role").is_not_null())
    parts = [labelled]
    if group is not None:
        parts.append(_pooled(labelled.filter(pl.col("role") == "member"), indicator, group.name))
    lower, upper = _interval(indicator)
    combined = pl.concat(parts, how="diagonal_relaxed").with_columns(
        indicator_id=pl.lit(indicator.id),
        lower=pl.when(pl.col("value").is_not_null()).then(lower),
        upper=pl.when(pl.col("value").is_not_null()).then(upper),
        _order=pl.col("role").replace_strict(ROLE_ORDER, default=9, return_dtype=pl.Int8),
    )
    labels = combined.select(pl.col("period").unique()).collect().to_series().to_list()
    return (
        _with_bounds(combined, indicator, labels)
        .sort("period_start", "_order", "comparator", nulls_last=True)
        .select((pl.col(c).cast(t) for c, t in SERIES_SCHEMA.items()))
        .collect()
    )


def _pooled(members: pl.LazyFrame, indicator: Indicator, name: str) -> pl.LazyFrame:
    """The group as one area: counts summed; with no counts, the median member's value."""
    has_counts = pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null()
    counted = has_counts & (pl.col("denominator") > 0)
    with_value = pl.col("value").is_not_null()
    num = pl.col("numerator").filter(counted).sum()
    den = pl.col("denominator").filter(counted).sum()
    k, n = counted.sum(), pl.len()
    if _is_rate(indicator):
        value = (
            pl.when(k > 0)
            .then(100 * num / den)
            .otherwise(pl.col("value").filter(with_value).median())
        )
        note = (
            pl.when(k == 0)
            .then(
                pl.format(
                    "Median of the {} members' published rates (the file gives no counts).",
                    with_value.sum(),
                )
            )
            .when(k < n)
            .then(pl.format("Pooled over the {} of {} members with counts.", k, n))
            .otherwise(pl.format("Pooled over all {} members.", n))
        )
    else:
        complete = with_value.sum() == n
        value = pl.when(complete).then(pl.col("value").sum())
        note = (
            pl.when(complete)
            .then(pl.format("The {} members together.", n))
            .otherwise(pl.format("Only {} of {} members published a figure.", with_value.sum(), n))
        )
    return members.group_by("period").agg(
        role=pl.lit("group"),
        comparator=pl.lit(name),
        numerator=pl.when(k > 0).then(num),
        denominator=pl.when(k > 0).then(den),
        value=value,
        symbol=pl.lit(None, dtype=pl.String),
        note=note,
        source=pl.col("source").first(),
    )


def chart_lines(series: pl.DataFrame, results: pl.DataFrame | None = None) -> pl.DataFrame:
    """The comparator lines for a trend chart: England, the region and the group, in the
    periods our own results cover (all periods when there are no results)."""
    lines = series.filter(pl.col("role").is_in(list(CHART_ROLES)))
    if results is None or results.height == 0:
        return lines
    first, last = results.get_column("period_start").min(), results.get_column("period_start").max()
    return lines.filter(pl.col("period_start").is_between(first, last))


# ---------------------------------------------------------------------------------------------
# Every authority at one period
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    """Every authority's figure at one period, with ours marked and its rank."""

    indicator_id: str
    period: str
    source: str
    frame: pl.DataFrame  # area, area_code, old_la_code, numerator, denominator, value, symbol,
    #                      is_home, rank (1 = best, or highest when neither is better)
    authorities: int  # authorities with a figure, ours included when it has one
    home: dict[str, Any] | None  # our row: value, numerator, denominator, symbol, lower, upper
    rank: int | None
    best_rank: int | None  # the plausible range of ranks, from the 95% interval
    worst_rank: int | None
    ties: int  # other authorities with exactly our figure
    higher_first: bool  # rank 1 is the highest value


def latest_period(
    official: pl.DataFrame | pl.LazyFrame, indicator: Indicator
) -> tuple[str, str] | None:
    """The latest period with local authority figures, and the kind of file it is from."""
    found = (
        preferred(official, indicator.id)
        .filter((pl.col("geographic_level") == "local_authority") & pl.col("value").is_not_null())
        .select(pl.col("period"), pl.col("source"))
        .sort("period")
        .collect()
    )
    return tuple(found.row(-1)) if found.height else None  # type: ignore[return-value]


def distribution(
    official: pl.DataFrame | pl.LazyFrame,
    indicator: Indicator,
    area: Area,
    period: str | None = None,
) -> Distribution | None:
    """Every authority's figure at a period (the latest with any), ranked; None with none."""
    if period is None:
        latest = latest_period(official, indicator)
        if latest is None:
            return None
        period = latest[0]
    sign = better_sign(indicator) or 1
    rows = (
        preferred(official, indicator.id)
        .filter((pl.col("period") == period) & (pl.col("geographic_level") == "local_authority"))
        .with_columns(is_home=_is_home(area), _key=sign * pl.col("value"))
        .with_columns(rank=pl.col("_key").rank("min", descending=True).cast(pl.Int64))
        .sort("_key", descending=True, nulls_last=True)
        .collect()
    )
    if rows.height == 0:
        return None
    home_rows = rows.filter(pl.col("is_home"))
    home = home_rows.row(0, named=True) if home_rows.height else None
    others = rows.filter(~pl.col("is_home") & pl.col("value").is_not_null())
    rank = best = worst = None
    ties = 0
    if home is not None and home["value"] is not None:
        rank = int(home["rank"])
        ties = others.filter(pl.col("value") == home["value"]).height
        interval = (
            stats.wilson(home["numerator"], home["denominator"])
            if _is_rate(indicator)
            and home["numerator"] is not None
            and home["denominator"] is not None
            else None
        )
        if interval is not None:
            home |= {"lower": interval[0], "upper": interval[1]}
            best_value, worst_value = interval[::-1] if sign > 0 else interval
            keys = others.get_column("_key")
            best = 1 + int((keys > sign * best_value).sum())
            worst = 1 + int((keys > sign * worst_value).sum())
    source = rows.get_column("source")[0]
    return Distribution(
        indicator_id=indicator.id,
        period=period,
        source=source,
        frame=rows.select(
            "area",
            "area_code",
            "old_la_code",
            "numerator",
            "denominator",
            "value",
            "symbol",
            "is_home",
            "rank",
        ),
        authorities=int(rows.get_column("value").is_not_null().sum()),
        home=home,
        rank=rank,
        best_rank=best,
        worst_rank=worst,
        ties=ties,
        higher_first=sign > 0,
    )


# ---------------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------------


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 101st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def figure_text(indicator: Indicator, row: dict[str, Any]) -> str:
    """'46.4% (39,407 of 84,866)', '26', or 'no figure (x: not available)'."""
    value = row.get("value")
    if value is None:
        symbol = row.get("symbol")
        meaning = symbol_meaning(symbol)
        return f"no figure ({symbol}: {meaning})" if meaning else "no figure"
    return summaries.format_value(indicator, value, row.get("numerator"), row.get("denominator"))


def _when(indicator: Indicator, period: str) -> str:
    if periods.is_valid(period, indicator.period_type):
        return periods.describe(period, indicator.period_type)
    return period


def comparison_sentence(indicator: Indicator, series: pl.DataFrame, area: Area) -> str | None:
    """The latest period with an England figure, in words: England, region, group, and our own
    published figure. None when there is nothing to compare with."""
    england = series.filter((pl.col("role") == "england") & pl.col("value").is_not_null())
    if england.height == 0:
        return None
    period = england.sort("period").get_column("period")[-1]
    rows = series.filter((pl.col("period") == period) & (pl.col("role") != "member"))
    parts = []
    for row in rows.iter_rows(named=True):  # at most four rows
        text = figure_text(indicator, row)
        if row["role"] == "group" and row["value"] is not None:
            text += f", {_group_words(indicator, row)}"
        parts.append((ROLE_ORDER[row["role"]], row["comparator"], text, row["value"]))
    parts.sort(key=lambda p: p[0])
    others = [f"{name} {text}" for order, name, text, _ in parts if order > 0]
    sentence = f"In {_when(indicator, period)}: {'; '.join(others)}."
    for order, name, text, value in parts:
        if order == 0:
            verb = "had a published figure of" if value is not None else "has"
            what = text if value is not None else f"no published figure{text[len('no figure') :]}"
            sentence += f" {name} {verb} {what}."
    return sentence


def _group_words(indicator: Indicator, row: dict[str, Any]) -> str:
    """How the group's figure is made: pooled counts, the median member, or a total."""
    if not _is_rate(indicator):
        return "all members together"
    if row["numerator"] is not None:
        return "pooled"
    return "the median member (the file gives no counts)"


ORDER_WORDS = {
    1: "1st is the highest, the best",
    -1: "1st is the lowest, the best",
    0: "1st is the highest; neither higher nor lower is better",
}


def rank_sentence(indicator: Indicator, dist: Distribution, area: Area) -> str:
    """Where we stand among all authorities, with the plausible range the small numbers allow."""
    when = _when(indicator, dist.period)
    sign = better_sign(indicator) or 0
    order = ORDER_WORDS[sign]
    home = dist.home
    if home is None:
        return (
            f"{area.name} does not appear among the {dist.authorities} authorities with a "
            f"figure for {when}."
        )
    if home["value"] is None:
        return (
            f"{area.name} has {figure_text(indicator, home)} for {when}, so it has no rank among "
            f"the {dist.authorities} authorities that have one."
        )
    assert dist.rank is not None
    joint = {0: "", 1: ", joint with one other"}.get(dist.ties, f", joint with {dist.ties} others")
    sentence = (
        f"In {when}, {area.name}'s {figure_text(indicator, home)} places it "
        f"{ordinal(dist.rank)} of {dist.authorities} local authorities{joint} ({order})."
    )
    if dist.best_rank is not None and dist.worst_rank is not None:
        low, high = summaries.percent_text(home["lower"]), summaries.percent_text(home["upper"])
        sentence += (
            f" With so few children, its 95% interval runs from {low} to {high}, so it could "
            f"plausibly stand anywhere from {ordinal(dist.best_rank)} to "
            f"{ordinal(dist.worst_rank)}: the rank is unstable and should not be read on its own."
        )
    elif indicator.type in (IndicatorType.rate, IndicatorType.survey):
        sentence += (
            " The file gives no counts, so the uncertainty cannot be shown; with so few "
            "children the rank can move a long way from one year to the next."
        )
    return sentence


def source_words(source: str) -> str:
    return SOURCE_WORDS.get(source, source)
