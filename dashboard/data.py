"""Cached data access for the pages: one place that knows about engines, caches and versions.

Results are stored in the database once per data version (`metrics.results_cache`), and cached
here on (database URL, data version, today's date): the data version changes with
every upload, roll back or target change, so a new upload or target shows on the next rerun, and
the date is in the key because a milestone's status depends on the day it is judged on. The
registry every page uses is the effective one (`metrics.targets`): the targets an admin changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import polars as pl
import streamlit as st
from sqlalchemy.engine import Engine

from dashboard import publication
from metrics import api, charts, comparators, disclosure, meetings, spc, targets, uploads
from metrics.registry import Registry
from metrics.settings import Settings

_KEEP = 16  # cached result sets kept: a few databases times a few data versions
_KEEP_CHARTS = 2_000  # chart specs: every chart of every page for a few data versions

ChartSpec = dict[str, Any]  # a Vega-Lite specification, as Altair writes it


@dataclass(frozen=True)
class Snapshot:
    """Which data a page is showing: database, data version and the day it is judged on."""

    url: str
    version: str
    today: dt.date


def database_url() -> str:
    # Read afresh on every run (it is cheap), so a changed setting needs no restart.
    return Settings().database_url


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    """A migrated engine, once per database URL for the life of the server."""
    return api.engine(url)


@st.cache_resource(show_spinner=False, max_entries=_KEEP)
def _registry(url: str, targets_version: str, registry_version: str) -> Registry:
    return targets.effective_registry(_engine(url), api.registry())


def registry() -> Registry:
    """The registry in force with the targets in force: its file's, or an admin's change (one
    small query says whether any target has changed since it was last read)."""
    url = database_url()
    return _registry(url, targets.version(_engine(url)), api.registry_version())


def strategy_registry() -> Registry:
    """The registry as indicators.toml has it, with the strategy's own targets."""
    return api.registry()


def engine() -> Engine:
    return _engine(database_url())


def snapshot() -> Snapshot:
    """The current data version (one small query), which keys every cached result."""
    url = database_url()
    version = f"{api.data_version(_engine(url))}|{api.registry_version()}"
    return Snapshot(url=url, version=version, today=api.today())


@st.cache_data(show_spinner="Working out the measures…", max_entries=_KEEP)
def _results(url: str, version: str, today: dt.date, published: bool = False) -> pl.DataFrame:
    """Every result; `published`: as published, suppressed (`metrics.disclosure`)."""
    if published:
        return disclosure.suppress_results(_results(url, version, today), registry=registry())
    return api.results(_engine(url), registry(), on=today)


@st.cache_data(
    show_spinner="Working out the figures as they stood at the meeting…", max_entries=_KEEP
)
def _results_at(url: str, version: str, day: dt.date, published: bool = False) -> pl.DataFrame:
    """Every result as it stood at the end of a meeting day (`metrics.meetings.results_at`)."""
    if published:
        return disclosure.suppress_results(_results_at(url, version, day), registry=registry())
    return meetings.results_at(_engine(url), api.registry(), day)


@st.cache_data(show_spinner=False, max_entries=_KEEP)
def _has_data(url: str, version: str) -> bool:
    return api.has_data(_engine(url))


@st.cache_data(show_spinner=False, max_entries=_KEEP)
def _action_plan(url: str, version: str, today: dt.date) -> pl.DataFrame:
    return api.action_plan(_engine(url))


@st.cache_data(show_spinner=False, max_entries=_KEEP)
def _freshness(url: str, version: str, today: dt.date) -> pl.DataFrame:
    return api.freshness(_engine(url), registry(), on=today)


@st.cache_data(show_spinner=False, max_entries=_KEEP)
def _batches(url: str, version: str) -> pl.DataFrame:
    return uploads.batches(_engine(url))


def refresh() -> None:
    """After an upload, a roll back or a target change: work out and store the results for the
    new data (`metrics.results_cache`), so that no page view, in this process or another, has to;
    and forget every cached result, so that every page (in every session) shows the new data on
    its next run. The data version has changed too, so nothing stale could be shown anyway; this
    frees the memory the old results held."""
    st.cache_data.clear()
    with st.spinner("Working out the measures for the new data…"):
        api.refresh_results(engine())


# Building and validating an Altair chart takes a tenth of a second or more; a priority page has
# dozens. The finished Vega-Lite specs are cached on the same key as the results, so only the
# first visit after an upload pays for them. Validation against the Vega-Lite schema is left to
# the chart builders' own tests (tests/test_charts*.py), where it belongs.


@st.cache_data(show_spinner="Drawing the charts…", max_entries=_KEEP_CHARTS)
def _chart(
    url: str,
    version: str,
    today: dt.date,
    builder: str,
    indicator_id: str,
    args: tuple[Any, ...],
    published: bool = False,
) -> ChartSpec | None:
    indicator = registry().indicator(indicator_id)
    chart = getattr(charts, builder)(indicator, _results(url, version, today, published), *args)
    return None if chart is None else chart.to_dict(validate=False)


@st.cache_data(show_spinner=False, max_entries=_KEEP)
def _timeline(url: str, version: str, today: dt.date) -> ChartSpec | None:
    chart = charts.milestone_timeline(_action_plan(url, version, today), today=today)
    return None if chart is None else chart.to_dict(validate=False)


# Official comparators and statistical process control: computed from the same snapshot.


@st.cache_data(show_spinner=False, max_entries=_KEEP)
def _official(url: str, version: str) -> pl.DataFrame:
    return api.official_rows(_engine(url))


@st.cache_data(show_spinner=False, max_entries=_KEEP_CHARTS)
def _comparators(url: str, version: str, indicator_id: str) -> pl.DataFrame | None:
    indicator, reg = registry().indicator(indicator_id), registry()
    if not indicator.comparators:
        return None
    series = comparators.comparator_series(_official(url, version), indicator, reg.area)
    return series if series.height else None


@st.cache_data(show_spinner=False, max_entries=_KEEP_CHARTS)
def _distribution(
    url: str, version: str, indicator_id: str, period: str | None
) -> comparators.Distribution | None:
    indicator, reg = registry().indicator(indicator_id), registry()
    if not indicator.comparators:
        return None
    return comparators.distribution(_official(url, version), indicator, reg.area, period)


@st.cache_data(show_spinner=False, max_entries=_KEEP_CHARTS)
def _spc(
    url: str,
    version: str,
    today: dt.date,
    indicator_id: str,
    recalculate_from: str | None,
    published: bool = False,
) -> spc.SpcResult | None:
    indicator = registry().indicator(indicator_id)
    if not spc.applies(indicator):
        return None
    rows = _results(url, version, today, published)
    return spc.analyse(indicator, rows, recalculate_from=recalculate_from)


@st.cache_data(show_spinner="Drawing the charts…", max_entries=_KEEP_CHARTS)
def _benchmark_chart(
    url: str,
    version: str,
    today: dt.date,
    builder: str,
    indicator_id: str,
    arg: str | None,
    published: bool = False,
) -> ChartSpec | None:
    """The comparator trend, the every-authority chart (arg: period) or the SPC chart (arg:
    the period its limits are worked out afresh from)."""
    reg = registry()
    indicator = reg.indicator(indicator_id)
    if builder == "trend_chart":
        series = _comparators(url, version, indicator_id)
        chart = charts.trend_chart(indicator, _results(url, version, today, published), series)
    elif builder == "distribution_chart":
        dist = _distribution(url, version, indicator_id, arg)
        series = _comparators(url, version, indicator_id)
        england = None
        if dist is not None and series is not None:
            rows = series.filter((pl.col("role") == "england") & (pl.col("period") == dist.period))
            england = rows.get_column("value")[0] if rows.height else None
        chart = charts.distribution_chart(indicator, dist, reg.area.name, england)
    else:
        chart = charts.spc_chart(indicator, _spc(url, version, today, indicator_id, arg, published))
    return None if chart is None else chart.to_dict(validate=False)


@st.cache_data(show_spinner="Drawing the charts…", max_entries=_KEEP_CHARTS)
def _trend(
    url: str,
    version: str,
    today: dt.date,
    indicator_id: str,
    axis: str,
    large: bool,
    published: bool = False,
) -> ChartSpec | None:
    """A trend chart on a value axis from zero or fitted, normal or meeting-mode size, with the
    comparator lines where official figures exist."""
    indicator = registry().indicator(indicator_id)
    series = _comparators(url, version, indicator_id)
    chart = charts.trend_chart(
        indicator, _results(url, version, today, published), series, axis, large
    )
    return None if chart is None else chart.to_dict(validate=False)


@dataclass
class View:
    """What one run of a page shows: the registry and one data snapshot.

    Each piece is read from the cache once per run, however many components use it.
    """

    registry: Registry
    snap: Snapshot
    published: bool = False  # the publication view: every result suppressed, as published

    @cached_property
    def has_data(self) -> bool:
        """Whether anything has been uploaded at all."""
        return _has_data(self.snap.url, self.snap.version)

    @cached_property
    def results(self) -> pl.DataFrame:
        """Every indicator's results (RESULT_SCHEMA), headline rows and breakdowns; in the
        publication view, suppressed (with `metrics.disclosure`'s flag and text columns)."""
        return _results(self.snap.url, self.snap.version, self.snap.today, self.published)

    def results_at(self, day: dt.date) -> pl.DataFrame:
        """Every result as it stood at the end of a meeting day, as `results` shows now
        (suppressed in the publication view)."""
        return _results_at(self.snap.url, self.snap.version, day, self.published)

    @cached_property
    def freshness(self) -> pl.DataFrame:
        """Per dataset: latest data, last upload, next update due, overdue."""
        return _freshness(self.snap.url, self.snap.version, self.snap.today)

    @cached_property
    def batches(self) -> pl.DataFrame:
        """Every upload ever stored, with its status (active, superseded, rolled back)."""
        return _batches(self.snap.url, self.snap.version)

    @cached_property
    def action_plan(self) -> pl.DataFrame:
        """Every Action Plan milestone at its latest review."""
        return _action_plan(self.snap.url, self.snap.version, self.snap.today)

    def chart(self, builder: str, indicator_id: str, *args: str) -> ChartSpec | None:
        """The spec of `metrics.charts.<builder>(indicator, results, *args)`, or None when
        there is nothing to draw. `args` are breakdown titles and period labels."""
        snap = self.snap
        return _chart(
            snap.url, snap.version, snap.today, builder, indicator_id, args, self.published
        )

    def trend(self, indicator_id: str, axis: str = "zero", large: bool = False) -> ChartSpec | None:
        """`metrics.charts.trend_chart` as a spec: axis "zero" or "fitted", `large` for meeting
        mode; with England, the region and the group where official figures exist."""
        snap = self.snap
        return _trend(snap.url, snap.version, snap.today, indicator_id, axis, large, self.published)

    def trend_key(self, indicator_id: str) -> charts.TrendKey | None:
        """What each line and mark of the trend chart is, in words."""
        indicator = self.registry.indicator(indicator_id)
        return charts.trend_key(indicator, self.results, self.comparators(indicator_id))

    def milestone_timeline(self) -> ChartSpec | None:
        return _timeline(self.snap.url, self.snap.version, self.snap.today)

    def comparators(self, indicator_id: str) -> pl.DataFrame | None:
        """England, the region, the comparison group and its members (None without any).

        As published, our own official figure and any figure resting on a count below the
        disclosure threshold are left out: small numbers are small wherever they come from.
        """
        series = _comparators(self.snap.url, self.snap.version, indicator_id)
        if series is None or not self.published:
            return series
        small = disclosure.default_threshold()
        risky = pl.any_horizontal(
            pl.col(c).is_between(1, small - 1).fill_null(False)
            for c in ("numerator", "denominator")
        )
        kept = series.filter((pl.col("role") != "area") & ~risky)
        return kept if kept.height else None

    def distribution(
        self, indicator_id: str, period: str | None = None
    ) -> comparators.Distribution | None:
        """Every authority's figure at a period (the latest by default), ranked; not in the
        publication view, where our own small numbers and rank would be shown."""
        if self.published:
            return None
        return _distribution(self.snap.url, self.snap.version, indicator_id, period)

    def spc(self, indicator_id: str, recalculate_from: str | None = None) -> spc.SpcResult | None:
        """The indicator's SPC chart and judgements (None where SPC does not apply)."""
        snap = self.snap
        return _spc(
            snap.url, snap.version, snap.today, indicator_id, recalculate_from, self.published
        )

    def benchmark_chart(
        self, builder: str, indicator_id: str, arg: str | None = None
    ) -> ChartSpec | None:
        """trend_chart with comparator lines, distribution_chart or spc_chart, as a spec."""
        snap = self.snap
        return _benchmark_chart(
            snap.url, snap.version, snap.today, builder, indicator_id, arg, self.published
        )


def view() -> View:
    """The registry and the current data, for one page run (as published when the
    publication view is on)."""
    return View(registry=registry(), snap=snapshot(), published=publication.is_on())
