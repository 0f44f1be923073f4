"""The board pack button on the Overview: choose the period, watch it build, download it."""

from __future__ import annotations

import streamlit as st

from dashboard import data
from metrics import boardpack, periods
from metrics.periods import PeriodType

STATE = "board_pack"  # session state: the last pack built, for its download buttons
YEARS_BACK = 6


def period_choices(view: data.View) -> list[str]:
    """Financial years, this one first (boards plan by them)."""
    label = periods.label_for(view.snap.today, PeriodType.financial_year)
    choices = [label]
    for _ in range(YEARS_BACK - 1):
        choices.append(periods.previous(choices[-1], PeriodType.financial_year))
    return choices


def section(view: data.View) -> None:
    """Build the board pack (PDF and accessible web page) for a chosen period."""
    st.header("Board pack", anchor="board-pack")
    st.markdown(
        f"Every measure of success for a period, ready for {view.registry.area.board}: a PDF "
        "and an accessible web page. Everything in it is as published: small numbers are "
        "shown as c."
    )
    period = st.selectbox(
        "Period of the board pack",
        period_choices(view),
        format_func=lambda p: periods.describe(p, PeriodType.financial_year),
        key="board_pack_period",
    )
    if st.button("Build the board pack", icon=":material/picture_as_pdf:", key="board_pack_build"):
        bar = st.progress(0.0, text="Starting")
        try:
            pack = boardpack.build(
                data.engine(),
                view.registry,
                period,
                today=view.snap.today,
                progress=lambda fraction, words: bar.progress(min(fraction, 1.0), text=words),
            )
        except boardpack.BoardPackError as err:
            st.error(str(err), icon=":material/error:")
            return
        st.session_state[STATE] = pack
    pack = st.session_state.get(STATE)
    if pack is None:
        return
    stem = f"board-pack-{pack.period}"
    st.success(
        f"The board pack for {pack.period_words} is ready: {len(pack.measures)} measures.",
        icon=":material/check_circle:",
    )
    left, right = st.columns(2)
    left.download_button(
        "Download the PDF", pack.pdf, file_name=f"{stem}.pdf", mime="application/pdf",
        key="board_pack_pdf", on_click="ignore", icon=":material/download:",
    )  # fmt: skip
    right.download_button(
        "Download the web page (accessible HTML)", pack.html.encode("utf-8"),
        file_name=f"{stem}.html", mime="text/html", key="board_pack_html", on_click="ignore",
        icon=":material/download:",
    )  # fmt: skip
