"""Targets (admins): every measure's target in the strategy and in force, changing one when the
Board agrees a new target or trajectory (with the reason), going back to the strategy's target,
and every change ever made. Nothing is overwritten: each change is a new version."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import app_pages, auth, data
from dashboard import components as ui
from metrics import summaries, targets

ui.require_role(app_pages.ADMINS, "Changing targets")

ui.page_title(
    "Targets",
    "The targets each measure of success is judged against. They are the strategy's own until "
    f"an admin changes one here, for example when {data.registry().area.board} agrees a new "
    "target or trajectory. Every change needs a reason, is recorded in the audit log, and is said "
    "wherever the target is shown, so nobody mistakes it for the strategy's own target.",
)

OUTCOME = "targets_outcome"
ROUND = "targets_round"  # bumped after a save, so the forms start afresh
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)

outcome = st.session_state.pop(OUTCOME, None)
if outcome:
    st.success(outcome, icon=":material/check_circle:")

strategy = data.strategy_registry()
current = data.registry()
engine = data.engine()
rounds = st.session_state.get(ROUND, 0)


def saved(message: str) -> None:
    """Show every page the new target from its next run, and say what was done."""
    data.refresh()
    st.session_state[OUTCOME] = message
    st.session_state[ROUND] = rounds + 1
    st.rerun()


def refused(title: str, err: targets.TargetError) -> None:
    """Say that nothing was saved, and every reason why."""
    st.error(f"The target of {title} was not changed: nothing was saved.", icon=":material/error:")
    ui.bullet_list(auth.plain(p) for p in err.problems)


st.header("Every measure's target", anchor="every-target")
ui.typed_text_table(targets.target_rows(strategy, current))

st.header("Change a target", anchor="change")
choices = targets.changeable(strategy)
chosen = st.selectbox(
    "Choose the measure whose target to change",
    [i.id for i in choices],
    index=None,
    format_func=lambda i: (
        f"Priority {strategy.indicator(i).priority}: {strategy.indicator(i).title}"
    ),
    placeholder="Choose a measure",
    key=f"targets_measure_{rounds}",
)
if chosen is not None:
    was, now = strategy.indicator(chosen), current.indicator(chosen)
    ui.bullet_list(auth.plain(line) for line in targets.describe(was, now))
    target = now.target
    with st.form(f"targets_change_{chosen}_{rounds}"):
        value = direction = None
        trajectory = ""
        if not targets.is_milestone(was):
            value = st.number_input(
                "Target value"
                + (" (a percentage, 0 to 100)" if was.unit.value == "percent" else ""),
                value=target.value if target else None,
                step=1.0,
                placeholder="No value: give a direction instead",
            )
            direction = st.selectbox(
                "Direction (for a target with no value)",
                list(targets.DIRECTIONS),
                index=list(targets.DIRECTIONS).index(target.direction)
                if target and target.direction
                else None,
                format_func=lambda d: summaries.upper_first(targets.DIRECTIONS[d]),
                placeholder="No direction",
            )
        due = st.date_input(
            "Due by" if targets.is_milestone(was) else "To be met by (optional)",
            value=target.date if target else None,
            min_value=EARLIEST,
            max_value=LATEST,
            format="DD/MM/YYYY",
        )
        if not targets.is_milestone(was):
            trajectory = st.text_area(
                "Trajectory (optional): the value planned for each period, one a line, like "
                "“2027: 90”",
                value="\n".join(f"{p.period}: {p.value:g}" for p in now.trajectory),
            )
        wording = st.text_area(
            "Where the new target comes from (optional), e.g. the Board's decision",
            value=target.wording if target and now.target_change else "",
        )
        reason = st.text_area("Reason for the change (required): readers see it with the target")
        save = st.form_submit_button("Save the new target", type="primary", icon=":material/save:")
    if save:
        ui.require_role(app_pages.ADMINS, "Changing a target")
        try:
            version = targets.change(
                engine, chosen, value=value, direction=direction, date=due, wording=wording,
                trajectory=trajectory, reason=reason, who=ui.current_user(),
                role=app_pages.current_role(), base=strategy,
            )  # fmt: skip
        except targets.TargetError as err:
            refused(was.title, err)
        else:
            saved(f"Saved the new target of {was.title} as version {version}.")

    if now.target_change is not None:
        st.subheader("Go back to the strategy's target", anchor="back")
        with st.form(f"targets_back_{chosen}_{rounds}"):
            back_reason = st.text_area("Reason for going back (required)")
            back = st.form_submit_button(
                f"Go back to the strategy's target: {targets.target_words(was)}",
                icon=":material/undo:",
            )
        if back:
            ui.require_role(app_pages.ADMINS, "Changing a target")
            try:
                version = targets.restore(
                    engine, chosen, reason=back_reason, who=ui.current_user(),
                    role=app_pages.current_role(), base=strategy,
                )  # fmt: skip
            except targets.TargetError as err:
                refused(was.title, err)
            else:
                saved(f"{was.title} is back to the strategy's target (version {version}).")

st.header("Every change", anchor="history")
changes = targets.history(engine)
if changes.height:
    st.markdown("Newest first; times are UK time. Changes are never altered or deleted.")
    ui.typed_text_table(targets.history_rows(changes, strategy))
else:
    st.markdown("No target has been changed: every measure has the strategy's own target.")
