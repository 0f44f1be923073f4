"""The indicator registry: `indicators.toml` loaded into pydantic models, with cross-checks.

Definitions are data: adding an indicator of an existing type is an edit to the TOML file.
`check()` reports every problem in the file at once, the way dbt validates a semantic model.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import Counter
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from metrics import datasets, periods
from metrics.breakdowns import BREAKDOWNS
from metrics.datasets import ColumnType
from metrics.glossary import Term
from metrics.periods import PeriodType

# The registry shipped with the project (the demo area's); MEASURES_REGISTRY names another.
REGISTRY_PATH = Path(__file__).with_name("indicators.toml")
SHORT_TITLE_MAX = 45  # characters: one line of the scorecard at 1366 px


# A priority's id is part of its page's address (priority-<id>): letters, digits, - and _.
PRIORITY_ID = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$"


class IndicatorType(StrEnum):
    rate = "rate"  # numerator / denominator with a Wilson interval
    survey = "survey"  # % of respondents agreeing
    count = "count"  # a count per period
    cumulative_count = "cumulative_count"  # running total against a dated target
    series = "series"  # monthly or quarterly values, before/after a dated event
    milestone = "milestone"  # an Action Plan milestone's status


class Polarity(StrEnum):
    higher_is_better = "higher_is_better"
    lower_is_better = "lower_is_better"
    none = "none"


class Unit(StrEnum):
    percent = "percent"
    count = "count"
    status = "status"


class Frequency(StrEnum):
    monthly = "monthly"
    quarterly = "quarterly"
    termly = "termly"
    annually = "annually"


FREQUENCY_DAYS = {"monthly": 31, "quarterly": 92, "termly": 122, "annually": 366}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Condition(_Strict):
    """One test a row must pass. Give a column test or a days-between test.

    `{column = "exception_20_weeks", in = ["no"]}`;
    `{column = "plan_issued_date", blank = false}`;
    `{days_from = "request_received_date", days_to = "plan_issued_date", at_most = 140}`.
    """

    column: str | None = None
    in_: tuple[str, ...] | None = Field(default=None, alias="in")
    not_in: tuple[str, ...] | None = None
    blank: bool | None = None
    at_least: float | None = None  # numeric column tests
    below: float | None = None
    days_from: str | None = None
    days_to: str | None = None
    at_most: int | None = None
    more_than: int | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        column_test = self.column is not None
        days_test = self.days_from is not None or self.days_to is not None
        if column_test == days_test:
            raise ValueError("a condition needs either `column` or `days_from` and `days_to`")
        numeric = self.at_least is not None or self.below is not None
        if (
            column_test
            and sum(x is not None for x in (self.in_, self.not_in, self.blank)) + numeric != 1
        ):
            raise ValueError(
                f"condition on {self.column} needs exactly one of in, not_in, blank, "
                "or at_least/below"
            )
        if days_test:
            if self.days_from is None or self.days_to is None:
                raise ValueError("a days condition needs both days_from and days_to")
            if self.at_most is None and self.more_than is None:
                raise ValueError("a days condition needs at_most and/or more_than")
        return self

    @property
    def columns(self) -> list[str]:
        return [c for c in (self.column, self.days_from, self.days_to) if c is not None]


class Band(_Strict):
    """A named share of the denominator, e.g. 'Within 20 weeks'."""

    label: str
    where: tuple[Condition, ...]


class Source(_Strict):
    """Where an indicator's numbers come from. Which fields apply depends on the type."""

    dataset: str
    date_column: str | None = None  # the date that places a row in a period
    # count: a row counts in every period from date_column to end_column (blank: still open)
    end_column: str | None = None
    where: tuple[Condition, ...] = ()  # rows counted (count types) or the denominator (rates)
    numerator: tuple[Condition, ...] = ()  # rate: rows in the denominator that also pass these
    distinct: str | None = None  # count distinct values of this column instead of rows
    breakdowns: tuple[str, ...] = ()
    bands: tuple[Band, ...] = ()
    # rate: said when a period has rows but none in the denominator; {period} is filled in
    empty_note: str | None = None
    # survey
    question: str | None = None
    respondent_groups: tuple[str, ...] = ()
    # series: compare the window after an event with the window before it
    event_milestone: str | None = None
    event_date: dt.date | None = None
    event_label: str | None = None
    window_months: int = 12
    # monthly counted values from web analytics (import-analytics): count only the pages whose
    # address starts with this, e.g. "/localoffer/", when the site holds other services too
    path_prefix: str | None = None
    # milestone
    milestone_id: str | None = None


class Target(_Strict):
    value: float | None = None
    date: dt.date | None = None
    direction: Literal["increase", "decrease", "maintain"] | None = None
    wording: str = ""  # the strategy's own words for the target, if any

    @model_validator(mode="after")
    def _something(self) -> Target:
        # a milestone's target is its due date alone
        if self.value is None and self.direction is None and self.date is None:
            raise ValueError("a target needs a value, a direction or a date")
        return self


class TargetChangeNote(_Strict):
    """An admin's change to the strategy's target, made in the dashboard (`metrics.targets`).

    Only the registry `metrics.targets.effective_registry` returns carries one, never
    indicators.toml: it lets every place that shows the target say that it was changed.
    """

    strategy: str  # the strategy's own target, in words
    current: str  # the target now, in words
    by: str
    at: dt.datetime
    reason: str


class Baseline(_Strict):
    value: float
    period: str
    note: str = ""


class TrajectoryPoint(_Strict):
    period: str
    value: float


class Comparator(_Strict):
    """Where an indicator's official comparators come from: one kind of published file.

    EES (Explore Education Statistics, tidy layout): `file`, the `filters` that pick the rows
    (for example the headline breakdown) and the measure columns: `numerator` and
    `denominator`, and/or `value`. LAIT (the Local Authority Interactive Tool, long layout):
    `file` and the `measure` code (its 'Short Desc'); LAIT gives values only.
    """

    kind: Literal["ees", "lait"]
    file: str = Field(min_length=1)  # the file's name as published, e.g. timeliness_20_week.csv
    filters: dict[str, str] = Field(default_factory=dict)
    numerator: str | None = None
    denominator: str | None = None
    value: str | None = None
    measure: str | None = None
    # For a monthly indicator: the month a yearly figure describes (1 = the January census).
    census_month: int | None = Field(default=None, ge=1, le=12)
    note: str = ""  # what the official figure is, in words

    @model_validator(mode="after")
    def _columns_for_kind(self) -> Comparator:
        if (self.numerator is None) != (self.denominator is None):
            raise ValueError("give both numerator and denominator columns, or neither")
        if self.kind == "ees":
            if self.measure is not None:
                raise ValueError("an ees comparator names columns, not a LAIT measure")
            if self.value is None and self.numerator is None:
                raise ValueError("an ees comparator needs a value column or numerator and "
                                 "denominator columns")  # fmt: skip
        else:
            if not self.measure:
                raise ValueError("a lait comparator needs measure (the LAIT 'Short Desc' code)")
            if self.filters or self.numerator or self.value:
                raise ValueError("a lait comparator names only its measure: LAIT gives one "
                                 "value per area and year")  # fmt: skip
        return self

    @property
    def columns(self) -> list[str]:
        """The file columns an EES comparator reads (filters first)."""
        named = (self.numerator, self.denominator, self.value)
        return [*self.filters, *(c for c in named if c is not None)]


class Indicator(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    # a priority's id, or "context" for a measure that describes the population
    priority: str = Field(pattern=PRIORITY_ID)
    measure: str  # the measure of success in the strategy's words
    title: str
    # a name for one line of the scorecard (the full title is on the measure's own page)
    short_title: str | None = Field(default=None, min_length=1, max_length=SHORT_TITLE_MAX)
    description: str
    type: IndicatorType
    unit: Unit
    polarity: Polarity
    period_type: PeriodType
    update_frequency: Frequency
    methodology: str
    source: Source
    target: Target | None = None
    baseline: Baseline | None = None
    trajectory: tuple[TrajectoryPoint, ...] = ()
    target_change: TargetChangeNote | None = None  # set by metrics.targets, never in the TOML
    min_denominator: int = 5  # below this a rate is "too few to judge"
    headline: bool = True  # shown on the Overview
    related: tuple[str, ...] = ()  # other indicators shown with this one
    # official figures to compare with (England, the region, other authorities)
    comparators: tuple[Comparator, ...] = ()


class Priority(_Strict):
    id: str = Field(pattern=PRIORITY_ID)
    title: str
    short_title: str
    vision_quote: str
    vision_quote_by: str
    we_will: tuple[str, ...]
    key_actions: tuple[str, ...] = ()


class ComparisonArea(_Strict):
    """A local authority to compare with, by both its codes (LAIT gives only the old one)."""

    name: str
    new_la_code: str = Field(pattern=r"^E(06|07|08|09|10)\d{6}$")
    old_la_code: str = Field(pattern=r"^\d{3}$")


class ComparisonGroup(_Strict):
    """Authorities compared with as a group, e.g. statistical neighbours."""

    name: str
    members: tuple[ComparisonArea, ...] = Field(min_length=1)


class Area(_Strict):
    name: str
    la_code: str
    new_la_code: str
    strategy_title: str
    strategy_period: str
    # the region compared with (ONS code and name), and a group of other authorities
    region_code: str | None = Field(default=None, pattern=r"^E12\d{6}$")
    region_name: str | None = None
    comparison_group: ComparisonGroup | None = None
    # who the dashboard is for, in the area's words: the board that meets on it, the
    # committee that reads its board packs, and whom to contact about the dashboard
    board: str = "the SEND Programme Board"
    committee: str | None = None
    contact: str | None = None

    @property
    def contact_words(self) -> str:
        return self.contact or f"the {self.name} SEND team"


class Registry(_Strict):
    area: Area
    priorities: tuple[Priority, ...]
    indicators: tuple[Indicator, ...]
    # the strategy's own glossary, word for word; shown first on the About page
    glossary: tuple[Term, ...] = ()

    def indicator(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(f"no indicator '{indicator_id}' in the registry")

    def for_priority(self, priority: str) -> list[Indicator]:
        return [i for i in self.indicators if i.priority == priority]

    def priority(self, priority_id: str) -> Priority:
        for p in self.priorities:
            if p.id == priority_id:
                return p
        raise KeyError(f"no priority '{priority_id}'")


class Problem(BaseModel):
    """One thing wrong with the registry."""

    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


class RegistryError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


RATE_TYPES = {IndicatorType.rate, IndicatorType.survey}
DATE_TYPES = {ColumnType.date}


def _pydantic_problems(where: str, err: ValidationError) -> list[Problem]:
    out = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"])
        out.append(Problem(where=f"{where}.{loc}" if loc else where, problem=e["msg"]))
    return out


def parse(data: dict[str, Any]) -> tuple[Registry | None, list[Problem]]:
    """Validate raw registry data; each entry is validated on its own so all problems show."""
    problems: list[Problem] = []
    area = None
    try:
        area = Area.model_validate(data.get("area", {}))
    except ValidationError as err:
        problems += _pydantic_problems("area", err)
    prios: list[Priority] = []
    for n, raw in enumerate(data.get("priorities", [])):
        try:
            prios.append(Priority.model_validate(raw))
        except ValidationError as err:
            problems += _pydantic_problems(f"priorities[{n}] ({raw.get('id', '?')})", err)
    inds: list[Indicator] = []
    for n, raw in enumerate(data.get("indicators", [])):
        try:
            inds.append(Indicator.model_validate(raw))
        except ValidationError as err:
            problems += _pydantic_problems(f"indicator {raw.get('id', f'#{n + 1}')}", err)
    terms: list[Term] = []
    for n, raw in enumerate(data.get("glossary", [])):
        try:
            terms.append(Term.model_validate({**raw, "source": "strategy"}))
        except ValidationError as err:
            problems += _pydantic_problems(f"glossary[{n}] ({raw.get('term', '?')})", err)
    unknown = sorted(set(data) - {"area", "priorities", "indicators", "glossary"})
    problems += [
        Problem(where=key, problem="not a section of the registry (area, priorities, "
                "indicators, glossary): check its spelling")
        for key in unknown
    ]  # fmt: skip
    if area is None:
        return None, problems
    registry = Registry(
        area=area, priorities=tuple(prios), indicators=tuple(inds), glossary=tuple(terms)
    )
    return registry, problems


def _check_conditions(
    where: str, ds: datasets.Dataset, conds: tuple[Condition, ...]
) -> list[Problem]:
    problems = []
    for cond in conds:
        for col in cond.columns:
            if col not in ds.column_names:
                problems.append(
                    Problem(where=where, problem=f"dataset {ds.name} has no column '{col}'")
                )
        if cond.column and cond.column in ds.column_names:
            allowed = ds.column(cond.column).allowed_values
            values = (cond.in_ or ()) + (cond.not_in or ())
            bad = [v for v in values if allowed and v not in allowed]
            if bad:
                problems.append(
                    Problem(
                        where=where,
                        problem=f"{cond.column} can never be {bad}; allowed: {list(allowed)}",
                    )
                )
        numeric_types = (ColumnType.integer, ColumnType.number)
        if (
            (cond.at_least is not None or cond.below is not None)
            and cond.column in ds.column_names
            and ds.column(cond.column).type not in numeric_types
        ):
            problems.append(Problem(where=where, problem=f"'{cond.column}' is not a number column"))
        for col in (cond.days_from, cond.days_to):
            if col and col in ds.column_names and ds.column(col).type not in DATE_TYPES:
                problems.append(Problem(where=where, problem=f"'{col}' is not a date column"))
    return problems


def _check_target(ind: Indicator) -> list[Problem]:
    where = f"indicator {ind.id}"
    problems = []
    t, b = ind.target, ind.baseline
    if t is None:
        return problems
    if t.direction == "increase" and ind.polarity is Polarity.lower_is_better:
        problems.append(Problem(where=where, problem="target says increase but lower is better"))
    if t.direction == "decrease" and ind.polarity is Polarity.higher_is_better:
        problems.append(Problem(where=where, problem="target says decrease but higher is better"))
    if t.value is not None and b is not None:
        if ind.polarity is Polarity.higher_is_better and t.value < b.value:
            problems.append(
                Problem(
                    where=where,
                    problem=f"target {t.value:g} is below baseline {b.value:g}; higher is better",
                )
            )
        if ind.polarity is Polarity.lower_is_better and t.value > b.value:
            problems.append(
                Problem(
                    where=where,
                    problem=f"target {t.value:g} is above baseline {b.value:g}; lower is better",
                )
            )
    if t.value is not None and ind.unit is Unit.percent and not 0 <= t.value <= 100:
        problems.append(
            Problem(where=where, problem=f"target {t.value:g}% is not between 0 and 100")
        )
    if t.value is None and t.direction is None and ind.type is not IndicatorType.milestone:
        problems.append(Problem(where=where, problem="a target needs a value or a direction"))
    if t.value is not None and ind.type is IndicatorType.milestone:
        problems.append(
            Problem(where=where, problem="a milestone's target is its due date, not a value")
        )
    return problems


def _check_comparators(ind: Indicator) -> list[Problem]:
    """Comparators must suit the indicator: its type, its period type and one file each."""
    where = f"indicator {ind.id}"
    problems: list[Problem] = []
    if ind.comparators and ind.type in (IndicatorType.milestone, IndicatorType.cumulative_count):
        return [Problem(where=where, problem=f"a {ind.type} has no official comparator")]
    for n, comp in enumerate(ind.comparators):
        at = f"{where} comparator {n + 1} ({comp.kind} {comp.file})"
        if comp.numerator is not None and ind.type not in RATE_TYPES:
            problems.append(
                Problem(where=at, problem="numerator and denominator are for rates; a count "
                        "takes a value column")
            )  # fmt: skip
        monthly = ind.period_type is PeriodType.month
        if monthly and comp.census_month is None:
            problems.append(
                Problem(where=at, problem="a monthly indicator needs census_month: the month a "
                        "yearly official figure describes (1 for the January census)")
            )  # fmt: skip
        if not monthly and comp.census_month is not None:
            problems.append(
                Problem(where=at, problem="census_month is only for monthly indicators")
            )
        if ind.period_type is PeriodType.quarter:
            problems.append(
                Problem(where=at, problem="official figures are yearly; a quarterly indicator "
                        "cannot take them")
            )  # fmt: skip
        yearly_only = (PeriodType.calendar_year, PeriodType.month)
        if comp.kind == "lait" and ind.period_type not in yearly_only:
            problems.append(
                Problem(where=at, problem="LAIT years are calendar years (or a census year): "
                        "use them for a calendar-year or monthly indicator")
            )  # fmt: skip
    for (kind, file), n in Counter((c.kind, c.file) for c in ind.comparators).items():
        if n > 1:
            problems.append(
                Problem(where=where, problem=f"{n} comparators read the {kind} file {file}; "
                        "give it once")
            )  # fmt: skip
    return problems


def _check_area(area: Area) -> list[Problem]:
    group = area.comparison_group
    if group is None:
        return []
    problems = []
    for code, n in Counter(m.new_la_code for m in group.members).items():
        if n > 1:
            problems.append(
                Problem(where="area.comparison_group", problem=f"{code} is listed {n} times")
            )
    if any(area.new_la_code == m.new_la_code for m in group.members):
        problems.append(
            Problem(where="area.comparison_group",
                    problem=f"{area.name} is compared with itself; list other authorities")
        )  # fmt: skip
    return problems


def _check_indicator(ind: Indicator, registry: Registry) -> list[Problem]:
    where = f"indicator {ind.id}"
    problems: list[Problem] = []
    src = ind.source
    try:
        ds = datasets.get(src.dataset)
    except KeyError as err:
        return [Problem(where=where, problem=str(err.args[0]))]
    aggregate = ds.shape == "aggregate"
    if ind.priority != "context" and ind.priority not in {p.id for p in registry.priorities}:
        problems.append(Problem(where=where, problem=f"priority {ind.priority} is not defined"))

    if not aggregate and ind.type is not IndicatorType.milestone:
        if src.date_column is None:
            problems.append(Problem(where=where, problem="source.date_column is required"))
        elif src.date_column not in ds.column_names:
            problems.append(
                Problem(where=where, problem=f"dataset {ds.name} has no column '{src.date_column}'")
            )
        elif ds.column(src.date_column).type is not ColumnType.date:
            problems.append(
                Problem(where=where, problem=f"'{src.date_column}' is not a date column")
            )
    problems += _check_conditions(where, ds, src.where + src.numerator)
    for band in src.bands:
        problems += _check_conditions(f"{where} band '{band.label}'", ds, band.where)
    if src.end_column and src.end_column not in ds.column_names:
        problems.append(
            Problem(where=where, problem=f"dataset {ds.name} has no column '{src.end_column}'")
        )
    if src.distinct and src.distinct not in ds.column_names:
        problems.append(
            Problem(where=where, problem=f"dataset {ds.name} has no column '{src.distinct}'")
        )
    for name in src.breakdowns:
        spec = BREAKDOWNS.get(name)
        if spec is None:
            problems.append(
                Problem(
                    where=where, problem=f"unknown breakdown '{name}'; known: {sorted(BREAKDOWNS)}"
                )
            )
        elif not aggregate and spec.column_in(ds) is None:
            problems.append(
                Problem(
                    where=where,
                    problem=f"breakdown '{name}' needs a column dataset {ds.name} lacks",
                )
            )

    unit_for = {
        IndicatorType.rate: Unit.percent, IndicatorType.survey: Unit.percent,
        IndicatorType.count: Unit.count, IndicatorType.cumulative_count: Unit.count,
        IndicatorType.series: Unit.count, IndicatorType.milestone: Unit.status,
    }  # fmt: skip
    if ind.unit is not unit_for[ind.type]:
        problems.append(
            Problem(
                where=where,
                problem=f"a {ind.type} indicator has unit {unit_for[ind.type]}, not {ind.unit}",
            )
        )

    if ind.type is IndicatorType.rate and not aggregate and not src.numerator:
        problems.append(Problem(where=where, problem="a rate needs numerator conditions"))
    if ind.type is IndicatorType.survey:
        if ds.name != "survey_responses":
            problems.append(
                Problem(where=where, problem="a survey indicator reads survey_responses")
            )
        if not src.question:
            problems.append(
                Problem(where=where, problem="a survey indicator needs source.question")
            )
        bad = [g for g in src.respondent_groups if g not in datasets.RESPONDENT_GROUPS]
        if bad or not src.respondent_groups:
            problems.append(
                Problem(
                    where=where,
                    problem=f"respondent_groups must be some of {list(datasets.RESPONDENT_GROUPS)}",
                )
            )
    if ind.type is IndicatorType.series:
        if not aggregate:
            problems.append(
                Problem(where=where, problem="a series reads counted values (indicator_values)")
            )
        if ind.period_type not in (PeriodType.month, PeriodType.quarter):
            problems.append(Problem(where=where, problem="a series is monthly or quarterly"))
        ids = {
            i.source.milestone_id for i in registry.indicators if i.type is IndicatorType.milestone
        }
        if src.event_milestone and src.event_milestone not in ids:
            problems.append(
                Problem(
                    where=where,
                    problem=f"event_milestone '{src.event_milestone}' is no milestone indicator's",
                )
            )
    if src.path_prefix is not None and (
        not aggregate or ind.period_type is not PeriodType.month
        or not src.path_prefix.startswith("/")
    ):  # fmt: skip
        problems.append(Problem(
            where=where,
            problem="path_prefix is for monthly counted values (indicator_values) from web "
            "analytics, and starts with / (e.g. \"/localoffer/\")",
        ))  # fmt: skip
    if ind.type is IndicatorType.milestone:
        if ds.name != "milestones" or not src.milestone_id:
            problems.append(
                Problem(
                    where=where,
                    problem="a milestone reads the milestones dataset and names milestone_id",
                )
            )
        if ind.target is None or ind.target.date is None:
            problems.append(
                Problem(where=where, problem="a milestone needs target.date (its due date)")
            )
    if ind.type is IndicatorType.cumulative_count and (
        ind.target is None or ind.target.date is None
    ):
        problems.append(Problem(where=where, problem="a cumulative count needs a dated target"))

    for label, what in [(p.period, "trajectory") for p in ind.trajectory] + (
        [(ind.baseline.period, "baseline")] if ind.baseline else []
    ):
        if not periods.is_valid(label, ind.period_type):
            problems.append(
                Problem(
                    where=where,
                    problem=f"{what} period '{label}' is not a {ind.period_type} label "
                    f"(like '{periods.EXAMPLES[ind.period_type]}')",
                )
            )
    if ind.unit is Unit.percent:
        problems += [
            Problem(where=where, problem=f"trajectory {p.value:g}% for {p.period} is not "
                    "between 0 and 100")
            for p in ind.trajectory
            if not 0 <= p.value <= 100
        ]  # fmt: skip
    if ind.target_change is not None:
        problems.append(
            Problem(where=where, problem="target_change is made on the dashboard's Targets "
                    "page, not written in the registry")
        )  # fmt: skip
    problems += _check_target(ind)
    problems += _check_comparators(ind)
    for rel in ind.related:
        if rel not in {i.id for i in registry.indicators}:
            problems.append(
                Problem(where=where, problem=f"related indicator '{rel}' does not exist")
            )
    return problems


def check_indicator(ind: Indicator, registry: Registry) -> list[Problem]:
    """Every problem with one indicator in a registry, e.g. with a target an admin proposes."""
    return _check_indicator(ind, registry)


def check(registry: Registry) -> list[Problem]:
    """Every cross-reference problem in a parsed registry."""
    problems: list[Problem] = []
    for ind_id, n in Counter(i.id for i in registry.indicators).items():
        if n > 1:
            problems.append(Problem(where=f"indicator {ind_id}", problem=f"id used {n} times"))
    for pid, n in Counter(p.id for p in registry.priorities).items():
        if n > 1:
            problems.append(Problem(where=f"priority {pid}", problem=f"defined {n} times"))
    for p in registry.priorities:
        if p.id == "context":
            problems.append(
                Problem(where="priority context", problem="'context' is kept for context "
                        "measures (no target): give the priority another id")
            )  # fmt: skip
        if not registry.for_priority(p.id):
            problems.append(Problem(where=f"priority {p.id}", problem="has no indicators"))
    problems += _check_area(registry.area)
    for ind in registry.indicators:
        problems += _check_indicator(ind, registry)
    return problems


def load_text(text: str) -> Registry:
    """Parse and check registry TOML; raise RegistryError listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise RegistryError(
            [Problem(where="indicators.toml", problem=f"not valid TOML: {err}")]
        ) from err
    registry, problems = parse(data)
    if registry is not None:
        problems += check(registry)
    if problems or registry is None:
        raise RegistryError(problems)
    return registry


def registry_path() -> Path:
    """The registry in force: the file MEASURES_REGISTRY names (in the environment or `.env`),
    else the one shipped with the project."""
    from metrics.settings import Settings

    chosen = Settings().registry
    return chosen.expanduser().resolve() if chosen else REGISTRY_PATH


def is_shipped(path: Path) -> bool:
    """Whether a registry file is the shipped one (the one the demo data was made for)."""
    return path.resolve() == REGISTRY_PATH.resolve()


def load(path: Path | None = None) -> Registry:
    """The registry in a file (by default the one in force, `registry_path`)."""
    path = path or registry_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise RegistryError(
            [
                Problem(
                    where=str(path),
                    problem=f"the registry file cannot be read ({err.strerror or err}); "
                    "check MEASURES_REGISTRY names your registry's file",
                )
            ]
        ) from err
    return load_text(text)


def _modified(path: Path) -> int:
    return path.stat().st_mtime_ns if path.exists() else 0


def in_force() -> Registry:
    """The registry in force (`registry_path`), with the strategy's own targets: read once,
    and again when its file changes. It lives here, below `metrics.api` and `metrics.targets`,
    so that neither has to import the other for it."""
    path = registry_path()
    return _load_once(path, _modified(path))


def version_in_force() -> str:
    """Which registry file is in force, and which version of it (for cache keys)."""
    path = registry_path()
    return f"{path}@{_modified(path)}"


@cache
def _load_once(path: Path, modified: int) -> Registry:
    return load(path)


def problems_in(path: Path | None = None) -> list[Problem]:
    """All problems in a registry file (empty when it is sound)."""
    try:
        load(path)
    except RegistryError as err:
        return err.problems
    return []
