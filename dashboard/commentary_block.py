"""Officers' commentary under a measure's chart: the latest version, and earlier ones."""

from __future__ import annotations

import html

import streamlit as st

from dashboard import app_pages, data
from metrics import auth as auth_rules
from metrics import commentary, summaries
from metrics.registry import Indicator

COMMENTARY_PAGE = "app_pages/commentary.py"


def byline(row: dict[str, object]) -> str:
    when = row["created_at"]
    stamp = when.strftime("%d %B %Y, %H:%M UTC") if hasattr(when, "strftime") else str(when)
    return f"Version {row['version']}, by {html.escape(str(row['author']))}, {stamp}"


def _show(row: dict[str, object]) -> None:
    st.markdown(commentary.to_html(str(row["text"])), unsafe_allow_html=True)
    st.markdown(f"*{byline(row)}*")


def show(indicator: Indicator, view: data.View, period: str, *, level: int = 3) -> None:
    """The latest commentary for the indicator and period, with an expander of earlier
    versions; for officers, a link to write it."""
    engine = data.engine()
    history = commentary.history(engine, indicator.id, period)
    when = summaries.period_short(indicator, period)
    officer = auth_rules.allows(app_pages.current_role(), app_pages.OFFICERS)
    if history.height:
        latest, *earlier = history.sort("version", descending=True).to_dicts()
        st.markdown(f"{'#' * level} Commentary, {when}")
        _show(latest)
        if earlier:
            with st.expander(f"Earlier versions ({len(earlier)}): {indicator.title}, {when}"):
                for row in earlier:
                    _show(row)
                    st.divider()
    if officer:
        st.page_link(
            COMMENTARY_PAGE,
            label=f"{'Update' if history.height else 'Write'} the commentary: {indicator.title}",
            icon=":material/edit_note:",
            query_params={"indicator": indicator.id, "period": period},
        )
