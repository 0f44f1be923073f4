"""Local Offer visits from a web analytics export, through the one upload path.

A GA4 or Universal Analytics export (`metrics.ingest.analytics`) gives one month's total views;
that becomes one row of counted values (`indicator_values`: indicator, month, count), which goes
through every check a template upload does, previews the figures before and after (a month
already held is superseded, never blanked) and is stored as a batch with its audit event,
recorded under the export's own file name and SHA-256. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import polars as pl
from sqlalchemy.engine import Engine

from metrics import datasets, uploads
from metrics.db import store
from metrics.ingest import analytics
from metrics.ingest.reader import UnreadableFile
from metrics.ingest.validate import problem, problem_table
from metrics.periods import PeriodType
from metrics.registry import Indicator, Registry

DATASET = "indicator_values"


@dataclass(frozen=True)
class AnalyticsCheck:
    """An export read and checked: the month, the total and the row that would be stored."""

    file_name: str
    source: str  # GA4 or UA ("" if the file could not be read)
    indicator: str
    period: str | None
    total: int | None
    pages: int
    start: dt.date | None
    end: dt.date | None
    checked: uploads.Checked | None  # the counted-value row through the upload checks
    problems: pl.DataFrame

    @property
    def ok(self) -> bool:
        return self.problems.height == 0 and self.checked is not None and self.checked.ok


def indicators(registry: Registry) -> list[Indicator]:
    """The monthly counted-value indicators an export can feed; those naming a path prefix
    first."""
    found = [
        i for i in registry.indicators
        if i.source.dataset == DATASET and i.period_type is PeriodType.month
        and datasets.get(DATASET).shape == "aggregate"
    ]  # fmt: skip
    return sorted(found, key=lambda i: i.source.path_prefix is None)


def default_indicator(registry: Registry) -> str | None:
    """The indicator an export feeds when none is named: the only one there is."""
    named = [i.id for i in indicators(registry) if i.source.path_prefix]
    every = [i.id for i in indicators(registry)]
    if len(named) == 1:
        return named[0]
    return every[0] if len(every) == 1 else None


def _refused(file_name: str, what: str, fix: str, **known: object) -> AnalyticsCheck:
    defaults: dict[str, object] = {
        "source": "", "indicator": "", "period": None, "total": None, "pages": 0,
        "start": None, "end": None,
    }  # fmt: skip
    return AnalyticsCheck(
        file_name=file_name, checked=None,
        problems=problem_table([problem(None, None, file_name, what, fix)]),
        **(defaults | known),  # type: ignore[arg-type]
    )  # fmt: skip


def check(
    content: bytes,
    file_name: str,
    registry: Registry,
    *,
    today: dt.date,
    period: str | None = None,
    indicator: str | None = None,
) -> AnalyticsCheck:
    """Read an export, work out the month's total and check it as a counted-value row."""
    chosen = indicator or default_indicator(registry)
    feeds = [i.id for i in indicators(registry)]
    if chosen is None:
        return _refused(
            file_name, "Several measures take monthly counted values, and none was named.",
            f"Name the measure (--indicator): one of {', '.join(feeds)}.",
        )  # fmt: skip
    if chosen not in feeds:
        return _refused(
            file_name, f"'{chosen}' is not a monthly measure of counted values.",
            f"Use one of: {', '.join(feeds) or 'none in this registry'}.",
        )  # fmt: skip
    try:
        views = analytics.read_export(content, file_name)
    except UnreadableFile as err:
        return _refused(file_name, err.problem, err.fix, indicator=chosen)
    prefix = registry.indicator(chosen).source.path_prefix
    month = analytics.monthly_total(views, period=period, path_prefix=prefix)
    known = {
        "file_name": file_name, "source": views.source, "indicator": chosen,
        "period": month.period, "total": month.total, "pages": month.pages,
        "start": views.start, "end": views.end,
    }  # fmt: skip
    if month.problems.height or month.period is None:
        return AnalyticsCheck(checked=None, problems=month.problems, **known)  # type: ignore[arg-type]
    row = pl.DataFrame({"indicator_id": [chosen], "period": [month.period],
                        "count": [str(month.total)]})  # fmt: skip
    checked = uploads.check(
        DATASET, row.write_csv().encode(), file_name, registry, today=today, max_mb=None
    )
    # the batch records the export itself: its name (above) and its SHA-256
    checked.report.sha256 = hashlib.sha256(content).hexdigest()
    checked.report.read_as = f"{views.source} export, {views.dimension}"
    return AnalyticsCheck(checked=checked, problems=checked.report.problems, **known)  # type: ignore[arg-type]


def summary(result: AnalyticsCheck) -> str:
    """'1,234 views of 12 pages in March 2026 (Google Analytics 4 export) for local_offer_hits.'"""
    if result.total is None or result.period is None:
        return ""
    pages = "1 page" if result.pages == 1 else f"{result.pages:,} pages"
    return (
        f"{result.total:,} views of {pages} in {analytics.month_words(result.period)} "
        f"({result.source} export) for {result.indicator}."
    )


def preview(
    engine: Engine, registry: Registry, result: AnalyticsCheck, *, today: dt.date
) -> uploads.ingest.Preview:
    """What storing it would change: the month's figure before and after."""
    assert result.ok and result.checked is not None
    return uploads.preview(engine, registry, DATASET, result.checked, today=today)


def store_month(
    engine: Engine, result: AnalyticsCheck, *, user: str, role: str | None = None,
    basis: uploads.Basis | None = None,
) -> store.WriteResult:  # fmt: skip
    """Store the month's figure as one batch (superseding the month if held), audited."""
    assert result.ok and result.checked is not None
    return uploads.store_upload(engine, DATASET, result.checked, user=user, role=role, basis=basis)


def needs_month(content: bytes) -> bool:
    """The export does not say which dates it covers, so the month must be chosen."""
    try:
        views = analytics.read_export(content)
    except UnreadableFile:
        return False
    return views.start is None or views.end is None


def recent_months(today: dt.date, count: int = 36) -> list[str]:
    """The months to choose from, newest first: this month and the `count` - 1 before it."""
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        out.append(f"{year}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


def as_checked(result: AnalyticsCheck) -> uploads.Checked:
    """The result as the Upload page's checked file (its problems, when it has any)."""
    if result.checked is not None and result.problems.height == 0:
        return result.checked
    report = uploads.ingest.IngestReport(DATASET, result.file_name, "", 0, result.problems)
    return uploads.Checked(report, None)
