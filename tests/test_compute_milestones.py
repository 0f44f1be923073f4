"""Action Plan milestones: progress per quarter and status against the due date."""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Any

import polars as pl
import pytest

from metrics.compute import compute_indicator
from metrics.compute.frames import dataset_schema
from metrics.registry import Area, Indicator, Registry

D = dt.date
TODAY = D(2026, 7, 1)
DUE = D(2026, 3, 31)

SUPPORT_OFFER = Indicator.model_validate(
    {
        "priority": "1",
        "update_frequency": "quarterly",
        "measure": "m",
        "title": "t",
        "description": "d",
        "methodology": "m",
        **tomllib.loads(
            """
            id = "p1_support_offer_codesigned"
            type = "milestone"
            unit = "status"
            polarity = "higher_is_better"
            period_type = "quarter"
            target = {date = 2026-03-31}
            [source]
            dataset = "milestones"
            milestone_id = "p1_support_offer_codesign"
            """
        ),
    }
)


def row(
    status_date: dt.date,
    status: str,
    evidence: str = "",
    *,
    milestone_id: str = "p1_support_offer_codesign",
    due: dt.date = DUE,
) -> dict[str, Any]:
    return {
        "milestone_id": milestone_id,
        "priority": "1",
        "action": "Co-design the support offer",
        "lead": "Head of SEND",
        "due_date": due,
        "status": status,
        "completed_date": status_date if status == "complete" else None,
        "status_date": status_date,
        "evidence": evidence,
    }


def compute(ind: Indicator, *rows: dict[str, Any]) -> pl.DataFrame:
    frames = {"milestones": pl.LazyFrame(list(rows), schema=dataset_schema("milestones"))}
    area = Area(name="Test", la_code="1", new_la_code="E1", strategy_title="s", strategy_period="p")
    registry = Registry(area=area, priorities=(), indicators=(ind,))
    return compute_indicator(ind, frames, registry, today=TODAY).collect()


def test_one_row_per_quarter_from_the_latest_status_in_it() -> None:
    result = compute(
        SUPPORT_OFFER,
        row(D(2025, 4, 15), "not_started", "Scoping"),
        row(D(2025, 6, 20), "in_progress", "Workshops with the Parent Carer Forum"),
        row(D(2025, 9, 30), "complete", "Offer published"),
        row(D(2025, 9, 30), "delayed", "Another milestone", milestone_id="p3_awareness_plan"),
    )
    assert result.select("period", "value", "note", "status").rows() == [
        # 2025-Q2: the 20 June row is later than the 15 April one
        ("2025-Q2", 50.0, "Workshops with the Parent Carer Forum", "on_track"),
        ("2025-Q3", 100.0, "Offer published", "complete"),
    ]
    assert result["period_end"].to_list() == [D(2025, 6, 30), D(2025, 9, 30)]
    assert result["numerator"].is_null().all() and result["denominator"].is_null().all()


@pytest.mark.parametrize(
    ("status", "status_date", "expected", "why"),
    [
        ("complete", D(2026, 6, 30), "complete", "complete, however late"),
        ("at_risk", D(2025, 6, 30), "at_risk", "the lead says it is at risk"),
        ("delayed", D(2025, 6, 30), "off_track", "the lead says it is delayed"),
        ("in_progress", D(2026, 3, 31), "on_track", "under way on the day it is due"),
        ("in_progress", D(2026, 4, 1), "off_track", "under way, the day after it was due"),
        ("not_started", D(2026, 4, 1), "off_track", "not started and past due"),
        # 31 December 2025 -> 31 January = 31 days, -> 28 February = 59, -> 31 March = 90
        ("not_started", D(2025, 12, 31), "at_risk", "not started, due in 90 days"),
        ("not_started", D(2026, 1, 1), "at_risk", "not started, due in 89 days"),
        ("not_started", D(2025, 12, 30), "not_yet_due", "not started, due in 91 days"),
    ],
)
def test_milestone_status(status: str, status_date: dt.date, expected: str, why: str) -> None:
    result = compute(SUPPORT_OFFER, row(status_date, status))
    assert result["status"].to_list() == [expected], why


def test_progress_values() -> None:
    result = compute(
        SUPPORT_OFFER,
        row(D(2025, 3, 1), "not_started"),
        row(D(2025, 6, 1), "at_risk"),
        row(D(2025, 9, 1), "delayed"),
        row(D(2025, 12, 1), "in_progress"),
        row(D(2026, 3, 1), "complete"),
    )
    assert result["value"].to_list() == [0.0, 50.0, 50.0, 50.0, 100.0]


def test_the_uploaded_due_date_is_used_when_the_registry_gives_none() -> None:
    undated = SUPPORT_OFFER.model_copy(update={"target": None})
    # uploaded due date 1 March 2026, status date 1 April 2026: past due
    result = compute(undated, row(D(2026, 4, 1), "in_progress", due=D(2026, 3, 1)))
    assert result["status"].to_list() == ["off_track"]


def test_no_rows_for_the_milestone_gives_no_result() -> None:
    result = compute(SUPPORT_OFFER, row(D(2025, 6, 1), "complete", milestone_id="other"))
    assert result.is_empty()


def test_on_the_same_status_date_the_row_uploaded_last_wins() -> None:
    # the store hands rows over in upload order
    result = compute(
        SUPPORT_OFFER,
        row(D(2025, 6, 30), "in_progress", "First upload"),
        row(D(2025, 6, 30), "complete", "Corrected upload"),
    )
    assert result.select("value", "note", "status").rows() == [
        (100.0, "Corrected upload", "complete")
    ]
