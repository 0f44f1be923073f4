"""The publication view: the screen exactly as it would be published, small numbers as `c`.

The switch sits in the sidebar and lives in the address as `?publication=1`, so a link in an
agenda opens the published view. The data layer (`dashboard/data.py`) reads `is_on()` and
hands every page suppressed results (`metrics.disclosure`), so no page decides this itself.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from metrics import disclosure

PARAM = "publication"  # the address: ?publication=1
KEY = "publication_view"  # the toggle's session state
LABEL = "Publication view"


def banner_text() -> str:
    return f"Publication view: counts below {disclosure.default_threshold()} are shown as c"


def is_on() -> bool:
    """Whether this run shows the published view (the toggle, or the address on its own)."""
    if KEY in st.session_state:
        return bool(st.session_state[KEY])
    return st.query_params.get(PARAM) == "1"


def _changed() -> None:
    """The address follows the switch, so copying it shares the view."""
    if st.session_state.get(KEY):
        st.query_params[PARAM] = "1"
    else:
        st.query_params.pop(PARAM, None)


def sidebar_switch() -> None:
    """The switch in the sidebar, set from the address, and the banner when it is on.

    Moving to another page through the menu drops the address's parameters; the switch keeps
    its state for the session and puts `publication=1` back, so the address stays shareable.
    """
    wanted = st.query_params.get(PARAM)
    if wanted is not None:
        st.session_state[KEY] = wanted == "1"
    elif st.session_state.get(KEY):
        st.query_params[PARAM] = "1"
    st.sidebar.toggle(
        LABEL,
        key=KEY,
        on_change=_changed,
        help="Show every page exactly as it would be published: counts from 1 to "
        f"{disclosure.default_threshold() - 1} are shown as c, with footnotes saying why.",
    )
    if is_on():
        st.info(f"**{banner_text()}**", icon=":material/public:")


def footnotes_of(rows: pl.DataFrame) -> list[str]:
    """The distinct footnotes of suppressed rows, in a stable order."""
    if "footnote" not in rows.columns:
        return []
    notes = rows.get_column("footnote").drop_nulls().str.split(disclosure.FOOTNOTE_SEPARATOR)
    return sorted(set(notes.explode().drop_nulls().to_list()))
