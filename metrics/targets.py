"""Targets an admin changes in the dashboard, and the effective registry every status reads.

The strategy's targets are in indicators.toml. When the Board agrees a new target or trajectory,
an admin changes it on the Targets page: each change is a new version (indicator, new target,
reason, who, when), appended to the target_changes table with its audit event in the same
transaction and never updated or deleted. Going back to the strategy's target is a version too.

`effective_registry` is the ONE place the changes are applied: the registry with the latest
version per indicator, used by everything that judges status (the dashboard's data layer,
`python -m metrics compute` and `boardpack`, `metrics.api.compute`). A changed indicator carries
a `target_change` note, so wherever its target is shown it says that it was changed, from what,
by whom, when and why (`change_sentence`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal
from zoneinfo import ZoneInfo

import polars as pl
from pydantic import ValidationError
from sqlalchemy.engine import Connection, Engine

from metrics import audit, summaries
from metrics.db import store, target_store
from metrics.registry import (
    Indicator,
    IndicatorType,
    Polarity,
    Registry,
    Target,
    TargetChangeNote,
    TrajectoryPoint,
    check_indicator,
    in_force,
)
from metrics.settings import get_settings

CHANGE = "change"
STRATEGY = "strategy"  # a version that goes back to the strategy's own target
DIRECTIONS: dict[str, str] = {  # a target with a direction and no value, in words
    "increase": "an increase",
    "decrease": "a decrease",
    "maintain": "no change (kept where it is)",
}
MAX_REASON = 1_000
MAX_WORDING = 1_000
Direction = Literal["increase", "decrease", "maintain"]


class TargetError(ValueError):
    """A target change that cannot be saved, with every reason in plain English."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


def _base(registry: Registry | None) -> Registry:
    if registry is not None:
        return registry
    return in_force()


# ---------------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------------


def target_words(indicator: Indicator) -> str:
    """The target in words: '100%', '3 by 31 March 2029', 'an increase', 'due by 31 March
    2026', with any trajectory after it."""
    target = indicator.target
    if target is None:
        return "no target"
    by = f" by {summaries.uk_date(target.date)}" if target.date else ""
    if target.value is not None:
        words = f"{summaries.plain_number(indicator, target.value)}{by}"
    elif target.direction is not None:
        words = f"{DIRECTIONS[target.direction]}{by}"
    else:
        words = f"due{by}"
    if indicator.trajectory:
        points = ", ".join(
            f"{summaries.period_short(indicator, p.period)} "
            f"{summaries.plain_number(indicator, p.value)}"
            for p in indicator.trajectory
        )
        words += f" (trajectory: {points})"
    return words


def _uk_day(moment: dt.datetime) -> str:
    return summaries.uk_date(moment.astimezone(ZoneInfo(get_settings().timezone)).date())


def change_sentence(indicator: Indicator) -> str | None:
    """'Target changed from 100% to 90% by ada@council.example on 27 November 2026: the Board
    agreed ...', or None while the strategy's own target stands."""
    note = indicator.target_change
    if note is None:
        return None
    reason = note.reason.rstrip()
    ending = "" if reason.endswith((".", "!", "?")) else "."
    return (
        f"Target changed from {note.strategy} to {note.current} by {note.by} on "
        f"{_uk_day(note.at)}: {reason}{ending}"
    )


POLARITY_WORDS = {
    Polarity.higher_is_better: "higher is better",
    Polarity.lower_is_better: "lower is better",
    Polarity.none: "neither higher nor lower is better",
}


def is_milestone(indicator: Indicator) -> bool:
    """A milestone's target is its due date alone: no value, direction or trajectory."""
    return indicator.type is IndicatorType.milestone


def describe(strategy: Indicator, now: Indicator) -> list[str]:
    """What an admin needs before changing a target: the strategy's target, the one in force,
    the baseline and which way is better (a new target must agree with both)."""
    lines = [f"The strategy's target: {target_words(strategy)}."]
    changed = change_sentence(now)
    lines.append(f"The target now: {target_words(now)}. {changed}" if changed else
                 "The target now: the strategy's own.")  # fmt: skip
    if is_milestone(strategy):
        lines.append("A milestone's target is the date it is due by.")
    elif strategy.baseline is not None:
        base = strategy.baseline
        lines.append(
            f"Baseline: {summaries.plain_number(strategy, base.value)} in "
            f"{summaries.period_short(strategy, base.period)}; "
            f"{POLARITY_WORDS[strategy.polarity]}."
        )
    else:
        lines.append(f"No baseline; {POLARITY_WORDS[strategy.polarity]}.")
    return lines


# ---------------------------------------------------------------------------------------------
# The effective registry
# ---------------------------------------------------------------------------------------------


def _stored_target(row: dict[str, Any]) -> Target:
    return Target(
        value=row["value"], direction=row["direction"], date=row["target_date"],
        wording=row["wording"] or "",
    )  # fmt: skip


def _stored_trajectory(row: dict[str, Any]) -> tuple[TrajectoryPoint, ...]:
    return tuple(TrajectoryPoint(period=p["period"], value=p["value"]) for p in row["trajectory"])


def _changed(strategy: Indicator, row: dict[str, Any]) -> Indicator:
    """The strategy's indicator with a stored change applied, and the note that says so."""
    new = strategy.model_copy(
        update={"target": _stored_target(row), "trajectory": _stored_trajectory(row)}
    )
    note = TargetChangeNote(
        strategy=target_words(strategy), current=target_words(new), by=row["changed_by"],
        at=row["changed_at"], reason=row["reason"],
    )  # fmt: skip
    return new.model_copy(update={"target_change": note})


def apply(base: Registry, latest: pl.DataFrame) -> Registry:
    """The registry with each indicator's latest change (`target_store.latest`) applied.

    A change for an indicator the registry no longer has is ignored, and a version that goes
    back to the strategy's target leaves the indicator as indicators.toml has it.
    """
    changes = {r["indicator_id"]: r for r in latest.filter(pl.col("kind") == CHANGE).to_dicts()}
    if not changes:
        return base
    indicators = tuple(
        _changed(ind, changes[ind.id]) if ind.id in changes else ind for ind in base.indicators
    )
    return base.model_copy(update={"indicators": indicators})


def _effective(conn: Connection, base: Registry) -> Registry:
    return apply(base, target_store.latest(conn))


def effective_registry(engine: Engine, base: Registry | None = None) -> Registry:
    """The registry every status is judged by: indicators.toml (or `base`) with the targets an
    admin has changed in the dashboard."""
    with engine.connect() as conn:
        return _effective(conn, _base(base))


def version(engine: Engine) -> str:
    """Changes whenever a target is changed, so caches keyed on it are refreshed."""
    with engine.connect() as conn:
        return target_store.version(conn)


def history(engine: Engine, indicator_id: str | None = None) -> pl.DataFrame:
    """Every change (of one indicator, if given), newest first."""
    with engine.connect() as conn:
        return target_store.history(conn, indicator_id)


def changeable(registry: Registry) -> list[Indicator]:
    """The measures of success, whose targets an admin may change (context measures have no
    target: they describe the population)."""
    return [i for i in registry.indicators if i.priority != "context"]


# ---------------------------------------------------------------------------------------------
# Checking and saving a change
# ---------------------------------------------------------------------------------------------

_POINT = re.compile(r"^\s*(?P<period>[^:=,\s]+)\s*[:=,]?\s*(?P<value>-?\d[\d,]*(\.\d+)?)\s*%?\s*$")


def parse_trajectory(text: str) -> tuple[tuple[TrajectoryPoint, ...], list[str]]:
    """'2025: 60' per line (or separated by semicolons) as trajectory points, and a problem for
    every entry that is not one. Whether each period suits the indicator is the registry's
    check."""
    points: list[TrajectoryPoint] = []
    problems: list[str] = []
    entries = [e.strip() for e in re.split(r"[\n;]", text or "")]
    for n, entry in enumerate((e for e in entries if e), start=1):
        match = _POINT.match(entry)
        if match is None:
            problems.append(
                f"Trajectory entry {n}, '{entry}', is not a period and a value: write it like "
                "'2027: 90', one period a line."
            )
            continue
        period, value = match["period"], float(match["value"].replace(",", ""))
        if any(p.period == period for p in points):
            problems.append(f"The trajectory gives {period} twice: give each period once.")
            continue
        points.append(TrajectoryPoint(period=period, value=value))
    return tuple(points), problems


def _who_and_reason(who: str, reason: str) -> list[str]:
    problems = []
    if not (reason or "").strip():
        problems.append(
            "Give the reason for the change (for example the Board meeting that agreed it): "
            "readers see it wherever the target is shown."
        )
    elif len(reason.strip()) > MAX_REASON:
        problems.append(f"The reason is longer than {MAX_REASON:,} characters: shorten it.")
    if not (who or "").strip():
        problems.append("Say who is making the change: the name is missing.")
    return problems


def _strategy_indicator(base: Registry, indicator_id: str) -> Indicator:
    try:
        indicator = base.indicator(indicator_id)
    except KeyError:
        raise TargetError([f"There is no indicator '{indicator_id}' in the registry."]) from None
    if indicator.priority == "context":
        raise TargetError(
            [
                f"{indicator.title} is a context measure: it describes the population and is not "
                "judged against a target."
            ]
        )
    return indicator


def _pydantic_words(err: ValidationError) -> list[str]:
    return [str(e["msg"]).removeprefix("Value error, ") for e in err.errors()]


def proposed(
    base: Registry,
    indicator_id: str,
    *,
    value: float | None = None,
    direction: Direction | None = None,
    date: dt.date | None = None,
    wording: str = "",
    trajectory: str = "",
    reason: str = "",
    who: str = "",
) -> Indicator:
    """The strategy's indicator with the proposed target and trajectory, checked with the
    registry's own checks (a percentage over 100, a target on the wrong side of the baseline, a
    milestone without a due date, ...). Raises TargetError listing every problem at once."""
    strategy = _strategy_indicator(base, indicator_id)
    problems = _who_and_reason(who, reason)
    points, trajectory_problems = parse_trajectory(trajectory)
    problems += trajectory_problems
    if len((wording or "").strip()) > MAX_WORDING:
        problems.append(f"The wording is longer than {MAX_WORDING:,} characters: shorten it.")
    try:
        target = Target(
            value=value, direction=direction, date=date, wording=(wording or "").strip()
        )
    except ValidationError as err:
        raise TargetError(problems + _pydantic_words(err)) from None
    candidate = strategy.model_copy(update={"target": target, "trajectory": points})
    problems += [p.problem for p in check_indicator(candidate, base)]
    if problems:
        raise TargetError(list(dict.fromkeys(problems)))
    return candidate


def _same_target(a: Indicator, b: Indicator) -> bool:
    """Whether two targets judge alike: the same value, direction, date and trajectory (new
    words for the same target are no change)."""

    def judged(ind: Indicator) -> tuple[object, ...]:
        t = ind.target
        return (t and (t.value, t.direction, t.date), ind.trajectory)

    return judged(a) == judged(b)


def _save_version(
    engine: Engine,
    reg: Registry,
    new: Indicator,
    *,
    kind: str,
    reason: str,
    who: str,
    role: str | None,
    now: dt.datetime | None,
) -> int:
    """Save the indicator's next version, with its audit event in the same write transaction:
    a CHANGE to `new`'s target, or (STRATEGY, `new` being the strategy's indicator) back to the
    strategy's own. Returns the version; raises TargetError, writing nothing, if it would change
    nothing."""
    back = kind == STRATEGY
    with store.write_transaction(engine) as conn:
        # read inside the write lock, so a change saved meanwhile by another admin is seen
        current = _effective(conn, reg).indicator(new.id)
        if back and current.target_change is None:
            raise TargetError(
                [f"{new.title} has the strategy's own target already: nothing changed."]
            )
        if not back and _same_target(current, new):
            raise TargetError(
                [
                    f"{summaries.upper_first(target_words(new))} is the target already: "
                    "nothing changed."
                ]
            )
        # a version back to the strategy stores no target: `apply` leaves indicators.toml's
        target = None if back else new.target
        version = target_store.append(
            conn, new.id, kind=kind,
            value=target.value if target else None,
            direction=target.direction if target else None,
            target_date=target.date if target else None,
            wording=target.wording if target else "",
            trajectory=[] if back else [(p.period, p.value) for p in new.trajectory],
            reason=reason.strip(), changed_by=who.strip(),
            at=(now or store.now_utc()).astimezone(dt.UTC),
        )  # fmt: skip
        to = (
            f"back to the strategy's target, {target_words(new)}"
            if back
            else f"to {target_words(new)}"
        )
        audit.record_in(
            conn, audit.TARGET_CHANGE, who,
            f"Target of {new.title} changed from {target_words(current)} {to} "
            f"(version {version}). Reason: {reason.strip()}",
            role=role, ref=new.id,
        )  # fmt: skip
        return version


def change(
    engine: Engine,
    indicator_id: str,
    *,
    value: float | None = None,
    direction: Direction | None = None,
    date: dt.date | None = None,
    wording: str = "",
    trajectory: str = "",
    reason: str,
    who: str,
    role: str | None = None,
    base: Registry | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Save a new target for an indicator as its next version, with its audit event in the same
    transaction; returns the version. A refused change (TargetError) writes nothing."""
    reg = _base(base)
    candidate = proposed(
        reg, indicator_id, value=value, direction=direction, date=date, wording=wording,
        trajectory=trajectory, reason=reason, who=who,
    )  # fmt: skip
    return _save_version(
        engine, reg, candidate, kind=CHANGE, reason=reason, who=who, role=role, now=now
    )


def restore(
    engine: Engine,
    indicator_id: str,
    *,
    reason: str,
    who: str,
    role: str | None = None,
    base: Registry | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Go back to the strategy's own target, as the indicator's next version (the changes
    before it are kept), with its audit event; returns the version."""
    reg = _base(base)
    strategy = _strategy_indicator(reg, indicator_id)
    problems = _who_and_reason(who, reason)
    if problems:
        raise TargetError(problems)
    return _save_version(
        engine, reg, strategy, kind=STRATEGY, reason=reason, who=who, role=role, now=now
    )


# ---------------------------------------------------------------------------------------------
# Tables for the Targets page
# ---------------------------------------------------------------------------------------------


_TARGET_COLUMNS = ("Priority", "Measure", "The strategy's target", "Target now", "Changed")


def target_rows(base: Registry, effective: Registry) -> pl.DataFrame:
    """Every measure of success: its strategy target, the target now and whether it changed."""
    rows = []
    for strategy in changeable(base):
        now = effective.indicator(strategy.id)
        note = now.target_change
        rows.append(
            {
                "Priority": strategy.priority,
                "Measure": strategy.title,
                "The strategy's target": target_words(strategy),
                "Target now": target_words(now),
                "Changed": (
                    f"◎ Changed by {note.by} on {_uk_day(note.at)}: {note.reason}"
                    if note is not None
                    else "– No: the strategy's target"
                ),
            }
        )
    return pl.DataFrame(rows, schema=dict.fromkeys(_TARGET_COLUMNS, pl.String()))


def history_rows(changes: pl.DataFrame, base: Registry) -> pl.DataFrame:
    """Every change, newest first: when (UK time), measure, the new target, reason and who."""
    rows = []
    for row in changes.to_dicts():
        try:
            strategy = base.indicator(row["indicator_id"])
        except KeyError:  # an indicator since taken out of the registry: its history stays
            rows.append(_history_row(row, row["indicator_id"], "(no longer in the registry)"))
            continue
        if row["kind"] == STRATEGY:
            words = f"Back to the strategy's target: {target_words(strategy)}"
        else:
            words = f"Changed to {target_words(_changed(strategy, row))}"
        rows.append(_history_row(row, strategy.title, words))
    names = ["When (UK time)", "Measure", "Version", "Target", "Reason", "Who"]
    return pl.DataFrame(rows, schema=dict.fromkeys(names, pl.String()))


def _history_row(row: dict[str, Any], measure: str, words: str) -> dict[str, str]:
    when = row["changed_at"].astimezone(ZoneInfo(get_settings().timezone))
    return {
        "When (UK time)": f"{summaries.uk_date(when.date())} {when:%H:%M}",
        "Measure": measure,
        "Version": str(row["version"]),
        "Target": words,
        "Reason": row["reason"],
        "Who": row["changed_by"],
    }
