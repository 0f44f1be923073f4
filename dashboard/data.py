"""Cached data access for the pages: one place that knows about engines, caches and versions.

Results are cached on (database URL, data version, today's date): the data version changes with
every upload or roll back, so a new upload shows on the next rerun, and the date is in the key
because a milestone's status depends on the day it is judged on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import polars as pl
import streamlit as st
from sqlalchemy.engine import Engine

from dashboard import charts
from metrics import api
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


@st.cache_resource(show_spinner=False)
def registry() -> Registry:
    return api.registry()


def engine() -> Engine:
    return _engine(database_url())


def snapshot() -> Snapshot:
    """The current data version (one small query), which keys every cached result."""
    url = database_url()
    return Snapshot(url=url, version=api.data_version(_engine(url)), today=api.today())


@st.cache_data(show_spinner="Working out the measures…", max_entries=_KEEP)
def _results(url: str, version: str, today: dt.date) -> pl.DataFrame:
    return api.compute(_engine(url), registry(), on=today)


@st.cache_data(show_spinner=False, max_entries=_KEEP)
def _has_data(url: str, version: str) -> bool:
    return api.has_data(_engine(url))


@st.cache_data(show_spinner=False, max_entries=_KEEP)
def _action_plan(url: str, version: str, today: dt.date) -> pl.DataFrame:
    return api.action_plan(_engine(url))


@st.cache_data(show_spinner=False, max_entries=_KEEP)
def _freshness(url: str, version: str, today: dt.date) -> pl.DataFrame:
    return api.freshness(_engine(url), registry(), on=today)


# Building and validating an Altair chart takes a tenth of a second or more; a priority page has
# dozens. The finished Vega-Lite specs are cached on the same key as the results, so only the
# first visit after an upload pays for them. Validation against the Vega-Lite schema is left to
# the chart builders' own tests (tests/test_charts*.py), where it belongs.


@st.cache_data(show_spinner="Drawing the charts…", max_entries=_KEEP_CHARTS)
def _chart(
    url: str, version: str, today: dt.date, builder: str, indicator_id: str, args: tuple[Any, ...]
) -> ChartSpec | None:
    indicator = registry().indicator(indicator_id)
    chart = getattr(charts, builder)(indicator, _results(url, version, today), *args)
    return None if chart is None else chart.to_dict(validate=False)


@st.cache_data(show_spinner=False, max_entries=_KEEP)
def _timeline(url: str, version: str, today: dt.date) -> ChartSpec | None:
    chart = charts.milestone_timeline(_action_plan(url, version, today), today=today)
    return None if chart is None else chart.to_dict(validate=False)


@dataclass
class View:
    """What one run of a page shows: the registry and one data snapshot.

    Each piece is read from the cache once per run, however many components use it.
    """

    registry: Registry
    snap: Snapshot

    @cached_property
    def has_data(self) -> bool:
        """Whether anything has been uploaded at all."""
        return _has_data(self.snap.url, self.snap.version)

    @cached_property
    def results(self) -> pl.DataFrame:
        """Every indicator's results (RESULT_SCHEMA), headline rows and breakdowns."""
        return _results(self.snap.url, self.snap.version, self.snap.today)

    @cached_property
    def freshness(self) -> pl.DataFrame:
        """Per dataset: latest data, last upload, next update due, overdue."""
        return _freshness(self.snap.url, self.snap.version, self.snap.today)

    @cached_property
    def action_plan(self) -> pl.DataFrame:
        """Every Action Plan milestone at its latest review."""
        return _action_plan(self.snap.url, self.snap.version, self.snap.today)

    def chart(self, builder: str, indicator_id: str, *args: str) -> ChartSpec | None:
        """The spec of `dashboard.charts.<builder>(indicator, results, *args)`, or None when
        there is nothing to draw. `args` are breakdown titles and period labels."""
        snap = self.snap
        return _chart(snap.url, snap.version, snap.today, builder, indicator_id, args)

    def milestone_timeline(self) -> ChartSpec | None:
        return _timeline(self.snap.url, self.snap.version, self.snap.today)


def view() -> View:
    """The registry and the current data, for one page run."""
    return View(registry=registry(), snap=snapshot())
