"""Plain-English words for results: formatted values, one-sentence summaries, what changed.

UK conventions throughout (DESIGN.md section 8): percentages to one decimal place with the
count beside them, thousands separators, dates as 31 March 2029. The nouns come from each
indicator's registry title, so a new indicator of an existing type reads naturally with no
code change. No Streamlit, no Altair: the dashboard and the board pack both use these words.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import polars as pl

from metrics import periods, status
from metrics.periods import PeriodType
from metrics.registry import Indicator, IndicatorType, Polarity, Registry, Unit

RATE_TYPES = frozenset({IndicatorType.rate, IndicatorType.survey})
COUNT_TYPES = frozenset({IndicatorType.count, IndicatorType.cumulative_count, IndicatorType.series})
PROGRESS_WORDS: dict[float, str] = {0.0: "Not started", 50.0: "In progress", 100.0: "Complete"}
NO_TARGET = "No target (context measure)"
NO_TARGET_SET = "No target set"
NOT_JUDGED = "Not judged"
NO_VALUE = "no value"

PERIOD_AXIS_WORDS: dict[PeriodType, str] = {
    PeriodType.calendar_year: "Calendar year",
    PeriodType.academic_year: "Academic year (September to August)",
    PeriodType.financial_year: "Financial year (April to March)",
    PeriodType.quarter: "Quarter",
    PeriodType.month: "Month",
}


# ---------------------------------------------------------------------------------------------
# Numbers and dates as text (polars expressions, so whole columns format in one pass)
# ---------------------------------------------------------------------------------------------


def _grouped(digits: pl.Expr) -> pl.Expr:
    """'1520' -> '1,520': commas every three digits, counted from the right."""
    return (
        digits.str.reverse()
        .str.replace_all(r"(\d{3})", "${1},")
        .str.strip_chars_end(",")
        .str.reverse()
    )


def _tenths(x: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """Sign, whole part (grouped) and tenths digit of a number rounded to one decimal place."""
    tenths = (x.cast(pl.Float64) * 10).round(0).cast(pl.Int64)
    sign = pl.when(tenths < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    size = tenths.abs()
    return sign, _grouped((size // 10).cast(pl.String)), (size % 10).cast(pl.String)


def one_decimal_expr(x: pl.Expr) -> pl.Expr:
    """A number to one decimal place with thousands separators: '1,234.5', '80.0'."""
    sign, whole, tenth = _tenths(x)
    return pl.concat_str(sign, whole, pl.lit("."), tenth)


def number_expr(x: pl.Expr) -> pl.Expr:
    """A count: '1,520' when whole, '1,234.5' (one decimal place) otherwise."""
    sign, whole, tenth = _tenths(x)
    return (
        pl.when(tenth == "0")
        .then(pl.concat_str(sign, whole))
        .otherwise(pl.concat_str(sign, whole, pl.lit("."), tenth))
    )


def percent_expr(x: pl.Expr) -> pl.Expr:
    return pl.concat_str(one_decimal_expr(x), pl.lit("%"))


def value_text_expr(
    indicator: Indicator,
    value: str = "value",
    numerator: str = "numerator",
    denominator: str = "denominator",
) -> pl.Expr:
    """The formatted value of each row: '80.0% (4 of 5)', '1,520', 'In progress', 'no value'."""
    v = pl.col(value)
    if indicator.type is IndicatorType.milestone:
        text = v.replace_strict(PROGRESS_WORDS, default=None, return_dtype=pl.String)
    elif indicator.unit is Unit.percent:
        num, den = pl.col(numerator), pl.col(denominator)
        count = pl.concat_str(
            pl.lit(" ("), number_expr(num), pl.lit(" of "), number_expr(den), pl.lit(")")
        )
        text = pl.concat_str(
            percent_expr(v),
            pl.when(num.is_not_null() & den.is_not_null()).then(count).otherwise(pl.lit("")),
        )
    else:
        text = number_expr(v)
    return pl.when(v.is_null() | v.is_nan()).then(pl.lit(NO_VALUE)).otherwise(text)


def interval_text_expr(lower: str = "lower", upper: str = "upper") -> pl.Expr:
    """'37.6% to 96.4%' where both bounds are known, else null."""
    lo, hi = pl.col(lower), pl.col(upper)
    return pl.when(lo.is_not_null() & hi.is_not_null()).then(
        pl.concat_str(percent_expr(lo), pl.lit(" to "), percent_expr(hi))
    )


def status_text_expr(indicator: Indicator | None = None, column: str = "status") -> pl.Expr:
    """Icon plus words for each row's status (see `status_text`)."""
    labels = {s.value: status.label(s) for s in status.Status}
    return pl.col(column).replace_strict(
        labels, default=pl.lit(_no_status(indicator)), return_dtype=pl.String
    )


def uk_date(day: dt.date) -> str:
    """31 March 2029."""
    return f"{day.day} {day:%B %Y}"


def uk_date_expr(x: pl.Expr) -> pl.Expr:
    return x.dt.strftime("%-d %B %Y")


def _one_row(**columns: float | None) -> pl.DataFrame:
    return pl.DataFrame(
        {k: [v] for k, v in columns.items()}, schema=dict.fromkeys(columns, pl.Float64)
    )


def number_text(x: float) -> str:
    """'1,520', or '1,234.5' when not whole."""
    return _one_row(x=x).select(number_expr(pl.col("x"))).item()


def percent_text(x: float) -> str:
    """'80.0%'."""
    return _one_row(x=x).select(percent_expr(pl.col("x"))).item()


def points_text(x: float) -> str:
    """'5.0': one decimal place, for a change in percentage points."""
    return _one_row(x=x).select(one_decimal_expr(pl.col("x"))).item()


def plain_number(indicator: Indicator, x: float) -> str:
    """A target, baseline or change without forced decimals: '100%', '95.5%', '3'."""
    text = number_text(x)
    return f"{text}%" if indicator.unit is Unit.percent else text


# ---------------------------------------------------------------------------------------------
# Single values
# ---------------------------------------------------------------------------------------------


def _missing(x: float | None) -> bool:
    return x is None or x != x  # NaN is the only value not equal to itself


def format_value(
    indicator: Indicator,
    value: float | None,
    numerator: float | None = None,
    denominator: float | None = None,
) -> str:
    """'80.0% (4 of 5)' for rates and surveys, '1,520' for counts, 'no value' when missing."""
    if _missing(value):
        return NO_VALUE
    frame = _one_row(value=value, numerator=numerator, denominator=denominator)
    return frame.select(value_text_expr(indicator)).item() or NO_VALUE


def value_words(indicator: Indicator, row: dict[str, Any]) -> str:
    """A result row's value as shown: '80.0% (4 of 5)', '12', 'no value'; for a row from
    `disclosure.suppress_results` whose figure is held back, its published words instead:
    'c (c of 5)', 'c'. Never the suppressed number."""
    if row.get("value_flag"):
        text = row.get("published_value") or NO_VALUE
        num, den = row.get("published_numerator"), row.get("published_denominator")
        if indicator.type in RATE_TYPES and num is not None and den is not None:
            return f"{text} ({num} of {den})"
        return text
    return format_value(indicator, row.get("value"), row.get("numerator"), row.get("denominator"))


def is_published(frame: pl.DataFrame | pl.LazyFrame) -> bool:
    """Whether result rows come from `disclosure.suppress_results` (and carry its words)."""
    names = frame.collect_schema().names() if isinstance(frame, pl.LazyFrame) else frame.columns
    return "published_value" in names


def published_value_expr(indicator: Indicator) -> pl.Expr:
    """`value_text_expr` for rows from `disclosure.suppress_results`: where a figure is held
    back, its published words ('c', 'c (c of 5)') instead of 'no value'."""
    held = pl.col("value_flag").is_not_null()
    words = pl.col("published_value")
    if indicator.type in RATE_TYPES:
        num, den = pl.col("published_numerator"), pl.col("published_denominator")
        words = (
            pl.when(num.is_not_null() & den.is_not_null())
            .then(pl.concat_str(words, pl.lit(" ("), num, pl.lit(" of "), den, pl.lit(")")))
            .otherwise(words)
        )
    return pl.when(held).then(words).otherwise(value_text_expr(indicator))


def _no_status(indicator: Indicator | None) -> str:
    if indicator is None or indicator.priority == "context":
        return NO_TARGET
    if indicator.target is None:
        return NO_TARGET_SET
    return NOT_JUDGED


def status_text(
    status_value: status.Status | str | None, indicator: Indicator | None = None
) -> str:
    """'✔ On track'; 'No target (context measure)' when there is no status.

    Give the indicator to be exact about a missing status: a measure of success with no
    target says 'No target set'; one with a target says 'Not judged'.
    """
    if status_value is None or status_value == "":
        return _no_status(indicator)
    return status.label(status_value)


def period_short(indicator: Indicator, period: str, today: dt.date | None = None) -> str:
    """A short name for comparisons: '2023', '2023/24', '2023-24', 'March 2024'.

    With `today`, a period still under way says so: '2026 so far (to 27 November)'.
    """
    if indicator.period_type in (PeriodType.month, PeriodType.quarter):
        return periods.describe(period, indicator.period_type, today=today)
    return period + periods.so_far(period, indicator.period_type, today)


# ---------------------------------------------------------------------------------------------
# Reading the registry title as a subject and a predicate
# ---------------------------------------------------------------------------------------------

_IRREGULAR_PARTICIPLES = frozenset({
    "made", "taken", "given", "held", "told", "seen", "done", "sent", "kept", "paid", "found",
    "met", "heard", "known", "shown", "put", "set", "brought", "built", "taught", "chosen",
    "written", "spoken",
})  # fmt: skip
_NOT_PARTICIPLES = frozenset(["need", "needed", "feed", "seed", "speed", "red", "bed", "shed"])
# a participle straight after these words describes a noun ("supported internships")
_BEFORE_ADJECTIVE = frozenset(
    ["and", "or", "a", "an", "the", "of", "with", "for", "to", "in", "on", "their", "our"]
)
_PRESENT_TO_PAST = {
    "are": "were", "is": "was", "get": "got", "gets": "got", "say": "said", "says": "said",
    "have": "had", "has": "had", "feel": "felt", "feels": "felt",
}  # fmt: skip
_PROPER_FIRST_WORDS = frozenset({"City"})


def lower_first(text: str) -> str:
    """Lower-case the first word unless it is an acronym or starts a proper name."""
    words = text.split(" ")
    first = words[0]
    if first.isupper() or first in _PROPER_FIRST_WORDS:
        return text
    if len(words) > 1 and words[1][:1].isupper() and words[1].lower() not in _BEFORE_ADJECTIVE:
        return text
    return first[:1].lower() + first[1:] + text[len(first) :]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def bare_title(indicator: Indicator) -> str:
    """The title without a trailing '(...)' qualifier."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", indicator.title).strip()


def _is_participle(word: str) -> bool:
    word = word.lower()
    if word in _IRREGULAR_PARTICIPLES:
        return True
    return word.isalpha() and word.endswith("ed") and len(word) > 4 and word not in _NOT_PARTICIPLES


def _past(clause: str) -> str:
    first, _, rest = clause.partition(" ")
    past = _PRESENT_TO_PAST.get(first.lower())
    return f"{past} {rest}".strip() if past else clause


def split_title(title: str, *, prepositions: bool = True) -> tuple[str, str] | None:
    """A title as the thing counted and what is true of it, in the past tense.

    'EHC plans issued within 20 weeks' -> ('EHC plans', 'were issued within 20 weeks');
    'Children with an EHC plan who are under 12' -> ('Children with an EHC plan',
    'were under 12'); None when the title is a plain noun phrase. With `prepositions`, a
    trailing 'with ...' or 'from ...' is read as what is true ('were from ...'): right for a
    share ('placements with a checked provider'), wrong for a count of things that have it.
    """
    title = re.sub(r"\s*\([^)]*\)\s*$", "", title).strip()
    whose = re.match(r"^(.+?) whose (.+?) is (.+)$", title)
    if whose:
        return whose[1], f"had {whose[3]} as their {whose[2]}"
    for marker in (" who ", " that "):
        subject, found, rest = title.partition(marker)
        if found and subject:
            if marker == " that ":
                return subject, f"were ones that {rest}"
            return subject, _past(rest)
    words = title.split(" ")
    for i in range(1, len(words)):
        if _is_participle(words[i]) and words[i - 1].lower() not in _BEFORE_ADJECTIVE:
            return " ".join(words[:i]), "were " + " ".join(words[i:])
    for marker in (" from ", " with ") if prepositions else ():
        at = title.rfind(marker)
        if at > 0:
            return title[:at], "were" + title[at:]
    return None


def _survey_split(title: str) -> tuple[str, str] | None:
    """'Parent carers who say X' -> ('parent carers', 'agreed that X')."""
    title = re.sub(r"\s*\([^)]*\)\s*$", "", title).strip()
    subject, found, rest = title.partition(" who say ")
    if found and subject:
        return subject, f"agreed that {rest}"
    return None


def subject_words(indicator: Indicator) -> str:
    """What the indicator counts, capitalised: 'Children and young people with an EHC plan'."""
    split = split_title(indicator.title)
    return split[0] if split else bare_title(indicator)


# ---------------------------------------------------------------------------------------------
# One sentence per headline row
# ---------------------------------------------------------------------------------------------


def _target_clause(indicator: Indicator) -> str:
    """'; the target is 100%', '; the target is 3 by 31 March 2029', '; the aim is ...'."""
    target = indicator.target
    if target is None or indicator.type is IndicatorType.milestone:
        return ""
    if target.value is not None:
        by = f" by {uk_date(target.date)}" if target.date else ""
        return f"; the target is {plain_number(indicator, target.value)}{by}"
    aims = {
        "increase": "; the aim is for this to go up",
        "decrease": "; the aim is for this to go down",
        "maintain": "; the aim is to keep this where it is",
    }
    return aims.get(target.direction or "", "")


def _too_few(indicator: Indicator, row: dict[str, Any]) -> bool:
    den = row.get("denominator")
    return indicator.type in RATE_TYPES and not _missing(den) and den < indicator.min_denominator


def _ending(indicator: Indicator, row: dict[str, Any]) -> str:
    """The end of a sentence: the target, or why the figure cannot be judged against it."""
    if _too_few(indicator, row):
        target = indicator.target
        against = (
            f" against the target of {plain_number(indicator, target.value)}"
            if target is not None and target.value is not None
            else ""
        )
        return f" — too few to judge{against}."
    return f"{_target_clause(indicator)}."


def _interval_words(row: dict[str, Any]) -> str:
    lower, upper = row.get("lower"), row.get("upper")
    if _missing(lower) or _missing(upper):
        return ""
    return f" (95% interval {percent_text(lower)} to {percent_text(upper)})"


def _count_of(row: dict[str, Any]) -> tuple[str, str, str] | None:
    num, den, value = row.get("numerator"), row.get("denominator"), row.get("value")
    if _missing(num) or _missing(den) or _missing(value):
        return None
    return number_text(num), number_text(den), percent_text(value)


def _value_sentence(indicator: Indicator, row: dict[str, Any], when: str, interval: str) -> str:
    """'Title: value in period', for a rate or survey result whose counts or wording do not
    make a sentence of their own."""
    value = format_value(indicator, row.get("value"), row.get("numerator"), row.get("denominator"))
    return f"{bare_title(indicator)}: {value} in {when}{interval}{_ending(indicator, row)}"


def _rate_sentence(
    indicator: Indicator, row: dict[str, Any], when: str, with_interval: bool
) -> str:
    interval = _interval_words(row) if with_interval else ""
    counted = _count_of(row)
    split = split_title(indicator.title)
    if counted is None or split is None:
        return _value_sentence(indicator, row, when, interval)
    num, den, pct = counted
    subject, predicate = split
    return (
        f"{num} of {den} {lower_first(subject)} ({pct}) {predicate} in {when}{interval}"
        f"{_ending(indicator, row)}"
    )


def _survey_sentence(
    indicator: Indicator, row: dict[str, Any], when: str, with_interval: bool
) -> str:
    interval = _interval_words(row) if with_interval else ""
    counted = _count_of(row)
    split = _survey_split(indicator.title)
    if counted is None or split is None:
        return _value_sentence(indicator, row, when, interval)
    num, den, pct = counted
    subject, predicate = split
    return (
        f"In {when}, {num} of {den} {lower_first(subject)} who answered ({pct}) {predicate}"
        f"{interval}{_ending(indicator, row)}"
    )


def _count_sentence(indicator: Indicator, row: dict[str, Any], when: str) -> str:
    value = row["value"]
    split = split_title(indicator.title, prepositions=False)
    if split is not None and value != 1:
        subject, predicate = split
        counted = f"{number_text(value)} {lower_first(subject)} {predicate}"
        return f"{counted} in {when}{_ending(indicator, row)}"
    # a plain noun phrase (or a count of one) reads best as a label and its value
    return f"{bare_title(indicator)}: {number_text(value)} in {when}{_ending(indicator, row)}"


def _cumulative_sentence(
    indicator: Indicator, row: dict[str, Any], when: str, today: dt.date | None = None
) -> str:
    target = indicator.target
    against = ""
    if target is not None and target.value is not None:
        by = f" by {uk_date(target.date)}" if target.date else ""
        against = f", against a target of {number_text(target.value)}{by}"
    period = row.get("period")
    under_way = bool(period) and periods.is_partial(period, indicator.period_type, today)
    # a running total in a period still under way runs to today, not to the period's end
    upto = uk_date(today) if under_way and today is not None else f"the end of {when}"
    return (
        f"{number_text(row['value'])} {lower_first(bare_title(indicator))} so far "
        f"(to {upto}){against}."
    )


def _series_sentence(indicator: Indicator, row: dict[str, Any], when: str) -> str:
    return f"{bare_title(indicator)}: {number_text(row['value'])} in {when}."


def _milestone_sentence(indicator: Indicator, row: dict[str, Any]) -> str:
    parts = [PROGRESS_WORDS.get(float(row["value"]), "Progress not known")]
    due = row.get("due_date") or (indicator.target.date if indicator.target else None)
    if isinstance(due, dt.date):
        parts.append(f"due {uk_date(due)}")
    lead = row.get("lead")
    if isinstance(lead, str) and lead.strip():
        parts.append(f"lead: {lead.strip()}")
    return "; ".join(parts) + "."


def _no_value_sentence(indicator: Indicator, row: dict[str, Any] | None, when: str | None) -> str:
    """The row's note, or why there is no figure; the full title, as two may share a stem."""
    if row is not None:
        note = row.get("note")
        if isinstance(note, str) and note.strip():
            return note.strip()
        den = row.get("denominator")
        if indicator.type in RATE_TYPES and not _missing(den) and den == 0:
            return f"{indicator.title}: none to count in {when}, so there is no figure."
    for_when = f" for {when}" if when else ""
    return f"No data has been uploaded yet for {lower_first(indicator.title)}{for_when}."


def _withheld_words(row: dict[str, Any], column: str) -> str:
    """A count in a suppressed row: 'fewer than 5' where it is suppressed, else the number."""
    if row.get(f"{column}_flag"):
        return f"fewer than {row.get('disclosure_threshold') or 5}"
    return number_text(row[column])


def _suppressed_sentence(
    indicator: Indicator, row: dict[str, Any], when: str, today: dt.date | None = None
) -> str:
    """A row from `disclosure.suppress_results` whose figure is withheld: never the number."""
    title = lower_first(bare_title(indicator))
    flags = [row.get(f"{c}_flag") for c in ("numerator", "denominator", "value")]
    if "secondary" in flags:
        return (
            f"The figure for {title} in {when} is withheld so that a suppressed number "
            "elsewhere cannot be worked out."
        )
    privacy = "; the percentage is withheld to protect privacy."
    if indicator.type in RATE_TYPES:
        num = _withheld_words(row, "numerator")
        den = _withheld_words(row, "denominator")
        split = (
            _survey_split(indicator.title)
            if indicator.type is IndicatorType.survey
            else split_title(indicator.title)
        )
        if split is None:
            return f"{bare_title(indicator)}: {num} of {den} in {when}{privacy}"
        subject, predicate = split
        if indicator.type is IndicatorType.survey:
            return (
                f"In {when}, {num} of {den} {lower_first(subject)} who answered {predicate}"
                f"{privacy}"
            )
        return upper_first(f"{num} of {den} {lower_first(subject)} {predicate} in {when}{privacy}")
    few = _withheld_words(row, "value")
    if indicator.type is IndicatorType.cumulative_count:
        # the sentence for a count of 0, with the count (its first word) put into words
        zero = row | {"value": 0}
        rest = _cumulative_sentence(indicator, zero, when, today).partition(" ")[2]
        return upper_first(f"{few} {rest}")
    split = split_title(indicator.title, prepositions=False)
    if split is not None:
        subject, predicate = split
        return upper_first(f"{few} {lower_first(subject)} {predicate} in {when}.")
    return f"{bare_title(indicator)}: {few} in {when}."


def summary_sentence(
    indicator: Indicator,
    row: dict[str, Any] | None,
    *,
    period_words: str | None = None,
    with_interval: bool = False,
    today: dt.date | None = None,
) -> str:
    """One plain-English sentence from a headline result row.

    `period_words` replaces the period's own name (e.g. 'the latest year'); `with_interval`
    adds the 95% interval of a rate or survey. A milestone row may carry `lead` and
    `due_date` (as the Action Plan frame does); they are used when present. A row from
    `disclosure.suppress_results` whose figure is withheld says "fewer than 5", never the number.
    With `today`, a period still under way is called so: 'in 2026 so far (to 27 November)'.
    """
    when = period_words
    if when is None and row is not None and row.get("period"):
        when = periods.describe(row["period"], indicator.period_type, today=today)
    if row is not None and row.get("value_flag"):
        return _suppressed_sentence(indicator, row, when or "the latest period", today)
    if row is None or _missing(row.get("value")):
        return _no_value_sentence(indicator, row, when)
    when = when or "the latest period"
    if indicator.type is IndicatorType.rate:
        return _rate_sentence(indicator, row, when, with_interval)
    if indicator.type is IndicatorType.survey:
        return _survey_sentence(indicator, row, when, with_interval)
    if indicator.type is IndicatorType.cumulative_count:
        return _cumulative_sentence(indicator, row, when, today)
    if indicator.type is IndicatorType.series:
        return _series_sentence(indicator, row, when)
    if indicator.type is IndicatorType.milestone:
        return _milestone_sentence(indicator, row)
    return _count_sentence(indicator, row, when)


# ---------------------------------------------------------------------------------------------
# Latest, previous and what changed
# ---------------------------------------------------------------------------------------------


def headline_rows(results: pl.DataFrame | pl.LazyFrame, indicator_id: str) -> pl.DataFrame:
    """One indicator's headline rows, oldest period first."""
    return (
        results.lazy()
        .filter((pl.col("indicator_id") == indicator_id) & pl.col("breakdown").is_null())
        .sort("period_start")
        .collect()
    )


def latest(results: pl.DataFrame | pl.LazyFrame, indicator_id: str) -> dict[str, Any] | None:
    """The latest headline row of an indicator, or None when it has none."""
    rows = headline_rows(results, indicator_id)
    return rows.row(-1, named=True) if rows.height else None


def previous(results: pl.DataFrame | pl.LazyFrame, indicator_id: str) -> dict[str, Any] | None:
    """The headline row before the latest one, or None."""
    rows = headline_rows(results, indicator_id)
    return rows.row(-2, named=True) if rows.height >= 2 else None


def _judgement(indicator: Indicator, diff: float) -> str:
    """' (better)' or ' (worse)' by polarity; nothing when the indicator has none."""
    if indicator.polarity is Polarity.none or diff == 0:
        return ""
    sign = 1 if indicator.polarity is Polarity.higher_is_better else -1
    return " (better)" if sign * diff > 0 else " (worse)"


def _change(
    indicator: Indicator,
    now: dict[str, Any],
    before: dict[str, Any] | None,
    today: dt.date | None = None,
) -> str:
    """The change in words. Rows from `disclosure.suppress_results` never give a held-back
    figure away: where either is suppressed, the change is not worked out at all."""
    if before is None:
        return "no earlier period"
    then = period_short(indicator, before["period"])
    this = period_short(indicator, now["period"], today)
    if now.get("value_flag"):
        return f"not published for {this}: the figure is suppressed to protect privacy"
    if before.get("value_flag"):
        return f"not worked out: the figure for {then} is suppressed to protect privacy"
    if _missing(now.get("value")):
        return f"no value for {this}"
    if _missing(before.get("value")):
        return f"no value in {then} to compare with"
    new, old = float(now["value"]), float(before["value"])
    if indicator.type is IndicatorType.milestone:
        old_words = PROGRESS_WORDS.get(old, "not known")
        if new == old:
            return f"no change from {old_words} in {then}"
        moved = "moved on" if new > old else "moved back"
        return f"{moved}{_judgement(indicator, new - old)} from {old_words} in {then}"
    is_rate = indicator.unit is Unit.percent
    diff = round(new - old, 1) if is_rate else new - old
    old_text = percent_text(old) if is_rate else number_text(old)
    if diff == 0:
        return f"no change from {old_text} in {then}"
    size = f"{points_text(abs(diff))} points" if is_rate else number_text(abs(diff))
    direction = "up" if diff > 0 else "down"
    return f"{direction} {size}{_judgement(indicator, diff)} from {old_text} in {then}"


def change_since_previous(
    indicator: Indicator, results: pl.DataFrame | pl.LazyFrame, today: dt.date | None = None
) -> str:
    """'up 5.0 points (better) from 75.0% in 2023', 'down 3 from 10 in 2023/24', ..."""
    rows = headline_rows(results, indicator.id)
    if rows.height == 0:
        return "no data yet"
    before = rows.row(-2, named=True) if rows.height >= 2 else None
    return _change(indicator, rows.row(-1, named=True), before, today)


def _move_size(indicator: Indicator, now: float, before: float) -> float:
    """How big a move is, comparable across types: points out of 100, or relative change."""
    if indicator.unit is Unit.count:
        return abs(now - before) / max(abs(before), 1.0)
    return abs(now - before) / 100


def what_changed(
    registry: Registry, results: pl.DataFrame | pl.LazyFrame, *, limit: int = 8
) -> list[str]:
    """What changed since the last period, for the Overview: status changes, then big moves.

    Each indicator's latest period is set against the one before it. Status changes come first,
    in registry order; then the largest moves (points for rates, relative change for counts).
    """
    order = pl.LazyFrame(
        {"indicator_id": [i.id for i in registry.indicators if i.headline]},
        schema={"indicator_id": pl.String},
    ).with_row_index("_order")
    by_indicator = pl.col("indicator_id")
    pairs = (
        results.lazy()
        .filter(pl.col("breakdown").is_null())
        .join(order, on="indicator_id", how="inner")
        .sort("_order", "period_start")
        .with_columns(
            prev_period=pl.col("period").shift(1).over(by_indicator),
            prev_value=pl.col("value").shift(1).over(by_indicator),
            prev_status=pl.col("status").shift(1).over(by_indicator),
            _last=pl.col("period_start") == pl.col("period_start").max().over(by_indicator),
        )
        .filter(pl.col("_last") & pl.col("prev_period").is_not_null())
        .sort("_order")
        .collect()
    )
    status_changes: list[str] = []
    moves: list[tuple[float, int, str]] = []
    for pair in pairs.iter_rows(named=True):  # one row per indicator, not per data row
        ind = registry.indicator(pair["indicator_id"])
        old, new = pair["prev_status"], pair["status"]
        if old and new and old != new:
            status_changes.append(f"{ind.title}: {status.words(old)} → {status.words(new)}")
            continue
        if _missing(pair["value"]) or _missing(pair["prev_value"]):
            continue
        size = _move_size(ind, pair["value"], pair["prev_value"])
        if size > 0:
            before = {"period": pair["prev_period"], "value": pair["prev_value"]}
            text = f"{ind.title}: {_change(ind, pair, before)}"
            moves.append((-size, pair["_order"], text))
    return (status_changes + [text for *_, text in sorted(moves)])[:limit]


# ---------------------------------------------------------------------------------------------
# The text alternative of a trend chart
# ---------------------------------------------------------------------------------------------


def _trend_words(indicator: Indicator, first: float, last: float) -> str:
    if indicator.type is IndicatorType.milestone:
        if last > first:
            return "progress has moved on"
        return "progress has not moved on" if last == first else "progress has moved back"
    if indicator.unit is Unit.percent:
        diff = round(last - first, 1)
        change = f"{points_text(abs(diff))} points"
    else:
        diff = last - first
        change = number_text(abs(diff))
    if diff == 0:
        return "no overall change"
    return f"{'up' if diff > 0 else 'down'} {change} overall{_judgement(indicator, diff)}"


def _series_comparison_words(results: pl.DataFrame) -> str:
    rows = results.filter(pl.col("breakdown") == "Before and after").sort("period_start")
    if rows.height == 0:
        return ""
    means = rows.select(
        pl.col("breakdown_group"),
        (pl.col("numerator") / pl.col("denominator")).alias("mean"),
    )
    parts = [
        f"{number_text(round(mean, 1))} a month in the {group}"
        for group, mean in means.iter_rows()
        if mean is not None
    ]
    return f" On average: {'; '.join(parts)}." if parts else ""


def chart_description(indicator: Indicator, results: pl.DataFrame | pl.LazyFrame) -> str:
    """The text alternative of the trend chart: what it shows, first and latest, trend, target."""
    frame = results.lazy().filter(pl.col("indicator_id") == indicator.id).collect()
    rows = headline_rows(frame, indicator.id).filter(pl.col("value").is_not_null())
    title = bare_title(indicator)
    if rows.height == 0:
        if "value_flag" in frame.columns and frame.get_column("value_flag").is_not_null().any():
            return f"Every figure for {lower_first(title)} is withheld to protect privacy."
        return f"No data to chart yet for {lower_first(title)}."
    texts = rows.with_columns(text=value_text_expr(indicator))
    first, last = texts.row(0, named=True), texts.row(-1, named=True)
    what = "Progress chart" if indicator.type is IndicatorType.milestone else "Line chart"
    per = PERIOD_AXIS_WORDS[indicator.period_type].split(" (")[0].lower()
    every = headline_rows(frame, indicator.id)
    if rows.height == 1 and every.height > 1:  # the other periods' figures are withheld
        sentences = [
            f"{what} of {lower_first(title)} by {per}, from "
            f"{period_short(indicator, every['period'][0])} to "
            f"{period_short(indicator, every['period'][-1])}.",
            f"The one figure shown is {last['text']} in {period_short(indicator, last['period'])}.",
        ]
    elif rows.height == 1:
        sentences = [
            f"{what} of {lower_first(title)} with one {per} so far: "
            f"{last['text']} in {period_short(indicator, last['period'])}."
        ]
    else:
        sentences = [
            f"{what} of {lower_first(title)} by {per}, from "
            f"{period_short(indicator, first['period'])} to "
            f"{period_short(indicator, last['period'])}.",
            f"It was {first['text']} in {period_short(indicator, first['period'])} and "
            f"{last['text']} in {period_short(indicator, last['period'])}: "
            f"{_trend_words(indicator, first['value'], last['value'])}.",
        ]
    gaps = headline_rows(frame, indicator.id).filter(pl.col("value").is_null())
    # rows from disclosure.suppress_results say which figures are withheld, not missing
    withheld = pl.col("value_flag").is_not_null() if "value_flag" in gaps.columns else pl.lit(False)
    missing = [period_short(indicator, p) for p in gaps.filter(~withheld).get_column("period")]
    if missing:
        sentences.append(f"There is no figure for {', '.join(missing)}.")
    hidden = [period_short(indicator, p) for p in gaps.filter(withheld).get_column("period")]
    if len(hidden) == 1:
        sentences.append(f"The figure for {hidden[0]} is withheld to protect privacy.")
    elif hidden:
        sentences.append(f"The figures for {', '.join(hidden)} are withheld to protect privacy.")
    if indicator.type in RATE_TYPES and rows["lower"].is_not_null().any():
        sentences.append("The shaded band is the 95% interval.")
    target = indicator.target
    if (
        target is not None
        and target.value is not None
        and indicator.type is not IndicatorType.milestone
    ):
        by = f" by {uk_date(target.date)}" if target.date else ""
        sentences.append(
            f"The dashed line is the target of {plain_number(indicator, target.value)}{by}."
        )
    elif (
        target is not None and target.date is not None and indicator.type is IndicatorType.milestone
    ):
        sentences.append(f"It is due by {uk_date(target.date)}.")
    if indicator.trajectory:
        sentences.append("Diamonds joined by a dashed line show the planned trajectory.")
    baseline = indicator.baseline
    if baseline is not None:
        sentences.append(
            f"The dotted line is the baseline of {plain_number(indicator, baseline.value)} in "
            f"{period_short(indicator, baseline.period)}."
        )
    if indicator.type is IndicatorType.series:
        sentences[-1] += _series_comparison_words(frame)
    return " ".join(sentences)
