"""Rules across the cells of one row (a plan issued before its request, ...), per dataset.

Each rule is an expression over the typed columns. Validation only applies a rule to a row when
every column the rule reads is in the file and readable in that row, so an unreadable date gives
one problem ("not a date"), not a second, confusing one.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import polars as pl

from metrics import periods
from metrics.datasets import Dataset

c = pl.col


@dataclass(frozen=True)
class Rule:
    column: str  # the column the problem is reported against
    bad: pl.Expr  # true where the row breaks the rule
    problem: str
    fix: str

    @property
    def reads(self) -> list[str]:
        return sorted(set(self.bad.meta.root_names()))


def _ehc_requests() -> list[Rule]:
    return [
        Rule("plan_issued_date", c("plan_issued_date") < c("request_received_date"),
             "The plan is dated before its request was received.",
             "Check both dates: a plan is issued after the request."),
        Rule("request_decision_date", c("request_decision_date") < c("request_received_date"),
             "The decision is dated before the request was received.",
             "Check both dates: the decision comes after the request."),
        Rule("plan_issued_date", c("plan_issued_date") < c("request_decision_date"),
             "The plan is dated before the decision to assess.",
             "Check both dates: the decision to assess comes before the plan."),
        Rule("plan_issued_date",
             (c("assessment_outcome") == "plan_issued") & c("plan_issued_date").is_null(),
             "The outcome is plan_issued but there is no plan issue date.",
             "Add the date the final plan was issued, or correct assessment_outcome."),
        Rule("plan_issued_date",
             (c("assessment_outcome") != "plan_issued") & c("plan_issued_date").is_not_null(),
             "There is a plan issue date but the outcome is not plan_issued.",
             "Set assessment_outcome to plan_issued, or clear the date."),
        Rule("assessment_outcome",
             c("request_outcome").is_in(["not_assess", "withdrawn"])
             & c("assessment_outcome").is_not_null(),
             "There is an assessment outcome, but the request was not assessed (request_outcome "
             "is not_assess or withdrawn), so no assessment happened.",
             "Leave assessment_outcome blank for a request that was not assessed, or correct "
             "request_outcome."),
        Rule("assessment_outcome",
             (c("request_outcome") == "assess") & c("assessment_outcome").is_null(),
             "This cell is blank, but the request was assessed.",
             "Fill in the outcome of the assessment: plan_issued, not_issued, withdrawn, or "
             "pending if it is not yet decided."),
    ]  # fmt: skip


def _ehc_plans() -> list[Rule]:
    return [
        Rule("cyp_involved_in_review",
             (c("annual_review_held") == "no") & (c("cyp_involved_in_review") == "yes"),
             "The young person is recorded as involved in an annual review that was not held.",
             "Correct annual_review_held or cyp_involved_in_review."),
    ]  # fmt: skip


def _ends_before_start(end: str, start: str, problem: str) -> Rule:
    return Rule(end, c(end) < c(start), problem, f"Check {start} and {end}.")


def _in_priorities(priority_ids: Collection[str] | None) -> list[Rule]:
    """A row's priority is one the registry in force gives (when the registry was consulted)."""
    if priority_ids is None:
        return []
    known = sorted(priority_ids)
    return [
        Rule("priority", c("priority").is_not_null() & ~c("priority").is_in(known),
             "This is not one of the strategy's priorities in the indicator registry.",
             f"Use one of: {', '.join(known)}.")
    ]  # fmt: skip


def _milestones(priority_ids: Collection[str] | None) -> list[Rule]:
    return [
        *_in_priorities(priority_ids),
        Rule("completed_date", (c("status") == "complete") & c("completed_date").is_null(),
             "The milestone is complete but has no completed date.", "Add the completed date."),
        Rule("completed_date", (c("status") != "complete") & c("completed_date").is_not_null(),
             "There is a completed date but the status is not complete.",
             "Set the status to complete, or clear the date."),
        Rule("completed_date", c("completed_date") > c("status_date"),
             "The milestone is completed after the date its status was reviewed.",
             "Check completed_date and status_date: the review reports what had happened by then."),
    ]  # fmt: skip


def _follows(first: pl.Expr, second: pl.Expr) -> pl.Expr:
    """The two-digit second year follows the first: 2024/25, 2099/00."""
    return ((first.cast(pl.Int64, strict=False) + 1) % 100) == second.cast(pl.Int64, strict=False)


def _label_matches(label: pl.Expr, ptype: pl.Expr) -> pl.Expr:
    """The label is a real period of the type: 2024/25 for an academic year, not 2024/26."""
    ok = pl.lit(False)
    for pt, pattern in periods.PATTERNS.items():
        shape = label.str.contains(pattern.pattern)
        if pt in (periods.PeriodType.academic_year, periods.PeriodType.financial_year):
            shape = shape & _follows(label.str.slice(0, 4), label.str.slice(5, 2))
        ok = pl.when(ptype == pt.value).then(shape).otherwise(ok)
    return ok


def _indicator_values(
    aggregate_types: Mapping[str, str], aggregate_measures: Mapping[str, str]
) -> list[Rule]:
    known = ", ".join(sorted(aggregate_types)) or "(none in the registry)"
    ptype = c("indicator_id").replace_strict(dict(aggregate_types), default=None)
    measure = c("indicator_id").replace_strict(dict(aggregate_measures), default=None)
    examples = "; ".join(f"{t} like {periods.EXAMPLES[periods.PeriodType(t)]}" for t in
                         sorted(set(aggregate_types.values())))  # fmt: skip
    return [
        Rule("indicator_id", c("indicator_id").is_not_null() & ptype.is_null(),
             "This is not an indicator that takes counted values.", f"Use one of: {known}."),
        Rule("period", ptype.is_not_null() & ~_label_matches(c("period"), ptype),
             "The period does not match the indicator's period type.",
             "Use the period type the registry gives the indicator "
             f"({examples or 'see the registry'}); a year label's second part follows the "
             "first, as in 2024/25."),
        Rule("numerator", c("numerator") > c("denominator"),
             "The numerator is greater than the denominator.",
             "Check both numbers: the numerator counts part of the denominator."),
        Rule("count", (measure == "count") & c("count").is_null(),
             "This indicator is a count, but the row has no count.",
             "Fill in count (numerator and denominator are for rates)."),
        Rule("numerator", (measure == "rate") & c("numerator").is_null(),
             "This indicator is a rate, but the row has no numerator.",
             "Fill in numerator and denominator (count is for counts)."),
        Rule("denominator", (measure == "rate") & c("denominator").is_null(),
             "This indicator is a rate, but the row has no denominator.",
             "Fill in numerator and denominator (count is for counts)."),
        Rule("numerator",
             (measure == "count") & (c("numerator").is_not_null() | c("denominator").is_not_null()),
             "This indicator is a count, so numerator and denominator must be blank.",
             "Put the value in count only. If a number such as 1,520 was split across two cells, "
             "write it as 1520 or put it in quotes."),
        Rule("count", (measure == "rate") & c("count").is_not_null(),
             "This indicator is a rate, so count must be blank.",
             "Give the rate as numerator and denominator, and leave count blank."),
        # When the registry was not consulted, at least one kind of value must be there.
        Rule("count", measure.is_null() & c("count").is_null() & c("numerator").is_null(),
             "The row has neither a count nor a numerator and denominator.",
             "Fill in count, or numerator and denominator."),
        Rule("denominator",
             measure.is_null() & c("numerator").is_not_null() & c("denominator").is_null(),
             "A numerator needs a denominator.", "Fill in the denominator."),
    ]  # fmt: skip


def row_rules(
    ds: Dataset,
    aggregate_types: Mapping[str, str] | None = None,
    aggregate_measures: Mapping[str, str] | None = None,
    priority_ids: Collection[str] | None = None,
) -> list[Rule]:
    """The cross-column rules of a dataset.

    `aggregate_types` maps indicator ids that take counted values to their period type, and
    `aggregate_measures` maps them to "count" or "rate" (what the row must fill in);
    `priority_ids` are the registry's priorities (a milestone belongs to one of them).
    """
    match ds.name:
        case "ehc_requests":
            return _ehc_requests()
        case "ehc_plans":
            return _ehc_plans()
        case "ap_placements":
            return [_ends_before_start("end_date", "start_date",
                                       "The placement ends before it starts.")]  # fmt: skip
        case "codesign_activities":
            return [*_in_priorities(priority_ids),
                    _ends_before_start("completed_date", "start_date",
                                       "The activity is completed before it started.")]  # fmt: skip
        case "milestones":
            return _milestones(priority_ids)
        case "indicator_values":
            return _indicator_values(aggregate_types or {}, aggregate_measures or {})
    return []
