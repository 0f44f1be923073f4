"""The indicator page's own pieces: the address (?indicator=...&period=...) that says what is
shown, the pickers that change it, and what surrounds the figure (its priority, note, related
measures and a link to exactly this view). The commentary page uses the same address."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from dashboard import app_pages
from dashboard.components import detail_link, periods_of, priority_heading, row_for
from metrics import summaries
from metrics.registry import Indicator, Registry

_INDICATOR_KEY = "detail_indicator"
_PERIOD_KEY = "detail_period"


def section_name(indicator: Indicator) -> str:
    return "Context" if indicator.priority == "context" else f"Priority {indicator.priority}"


def indicator_from_address(registry: Registry) -> tuple[Indicator, str | None]:
    """The indicator the address names (the first in the registry when it names none), and a
    message when it names one that does not exist."""
    wanted = st.query_params.get("indicator")
    fallback = registry.indicators[0]
    if wanted is None:
        return fallback, None
    try:
        return registry.indicator(wanted), None
    except KeyError:
        st.query_params.pop("indicator", None)
        st.query_params.pop("period", None)
        return fallback, (
            f"There is no measure called '{wanted}'. Showing {fallback.title} instead: choose "
            "another measure below."
        )


def period_from_address(
    indicator: Indicator, results: pl.DataFrame
) -> tuple[str | None, str | None]:
    """The period the address names, or the latest (None when there is no data), and a
    message when the address names a period with no figure."""
    available = periods_of(indicator, results)
    wanted = st.query_params.get("period")
    if not available:
        return None, None
    if wanted is None or wanted in available:
        return wanted or available[0], None
    st.query_params.pop("period", None)
    return available[0], (
        f"There is no figure for '{wanted}'. Showing the latest period, "
        f"{summaries.period_short(indicator, available[0])}, instead."
    )


def _indicator_chosen() -> None:
    """The address follows the picker: a new indicator, at its latest period."""
    st.query_params["indicator"] = st.session_state[_INDICATOR_KEY]
    st.query_params.pop("period", None)


def _period_chosen(indicator_id: str) -> None:
    st.query_params["indicator"] = indicator_id
    st.query_params["period"] = st.session_state[_PERIOD_KEY]


def indicator_picker(registry: Registry, indicator: Indicator) -> None:
    # The address decides what is shown, so the picker is set from it on every run.
    st.session_state[_INDICATOR_KEY] = indicator.id
    st.selectbox(
        "Choose a measure",
        [i.id for i in registry.indicators],
        format_func=lambda iid: (
            f"{section_name(registry.indicator(iid))}: {registry.indicator(iid).title}"
        ),
        key=_INDICATOR_KEY,
        on_change=_indicator_chosen,
    )


def period_picker(indicator: Indicator, results: pl.DataFrame, period: str) -> dict[str, Any]:
    """A choice of period (newest first); returns the chosen period's headline row."""
    st.session_state[_PERIOD_KEY] = period
    st.selectbox(
        "Choose a period",
        periods_of(indicator, results),
        format_func=lambda p: summaries.period_short(indicator, p),
        key=_PERIOD_KEY,
        on_change=_period_chosen,
        args=(indicator.id,),
    )
    return row_for(indicator, results, period)


def priority_context(registry: Registry, indicator: Indicator) -> None:
    """Which priority the indicator belongs to, linked, and the strategy's wording."""
    if indicator.priority == "context":
        st.page_link(
            "app_pages/population.py",
            label="Context: part of Our SEND population",
            icon=":material/groups:",
        )
    else:
        priority = registry.priority(indicator.priority)
        st.page_link(app_pages.priority_page(priority.id), label=priority_heading(priority))
    st.markdown(f"*Measure of success, in the strategy's words:* {indicator.measure}")


def note(row: dict[str, Any]) -> None:
    text = row.get("note")
    if isinstance(text, str) and text.strip():
        st.markdown(f"**Note:** {text.strip()}")


def related(registry: Registry, indicator: Indicator) -> None:
    if not indicator.related:
        return
    st.markdown("**Related measures:**")
    for other in indicator.related:
        detail_link(registry.indicator(other), label=registry.indicator(other).title)


def share_link(indicator: Indicator, period: str) -> None:
    """The address of exactly this view, to copy into an email or a board paper."""
    query = f"indicator={indicator.id}&period={period}"
    base = st.context.url
    address = f"{base.split('?')[0]}?{query}" if base else f"indicator?{query}"
    st.markdown("**Link to this view** (copy it to share exactly what you see):")
    # wrapped: a long address on one line would scroll sideways, out of reach of the keyboard
    st.code(address, language=None, wrap_lines=True)
