"""compute_all: every indicator of a registry in one result table of the agreed shape."""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Any

import polars as pl

from metrics import results
from metrics.compute import compute_all
from metrics.compute.frames import dataset_schema
from metrics.registry import Area, Indicator, Registry

D = dt.date
TODAY = D(2025, 11, 27)


def indicator(toml: str) -> Indicator:
    """An indicator from a registry entry; the wording fields are not under test."""
    words = {"measure": "m", "title": "t", "description": "d", "methodology": "m"}
    return Indicator.model_validate(
        {"priority": "2", "update_frequency": "annually", **words, **tomllib.loads(toml)}
    )


TAKEN_UP = indicator(
    """
    id = "work_opportunities_taken_up"
    type = "count"
    unit = "count"
    polarity = "higher_is_better"
    period_type = "academic_year"
    [source]
    dataset = "work_opportunities"
    date_column = "offered_date"
    where = [{column = "taken_up", in = ["yes"]}]
    breakdowns = ["opportunity_type"]
    """
)
QUALITY = indicator(
    """
    id = "panel_request_quality"
    type = "rate"
    unit = "percent"
    polarity = "higher_is_better"
    period_type = "financial_year"
    target = {value = 80}
    [source]
    dataset = "panel_requests"
    date_column = "panel_date"
    where = [{column = "request_type", in = ["ehc_needs_assessment"]}]
    numerator = [{column = "quality_rating", in = ["high"]}]
    """
)
SURVEY = indicator(
    """
    id = "families_iag_survey"
    type = "survey"
    unit = "percent"
    polarity = "higher_is_better"
    period_type = "financial_year"
    [source]
    dataset = "survey_responses"
    question = "transition_iag_benefit"
    respondent_groups = ["family"]
    """
)
AREA = Area(name="Test", la_code="1", new_la_code="E1", strategy_title="s", strategy_period="p")
REGISTRY = Registry(area=AREA, priorities=(), indicators=(TAKEN_UP, QUALITY, SURVEY))


def offer(day: dt.date, kind: str, taken_up: str) -> dict[str, Any]:
    return {
        "opportunity_ref": f"WO-{day}-{kind}",
        "opportunity_type": kind,
        "offered_date": day,
        "taken_up": taken_up,
        "sen_status": "ehc_plan",
    }


def request(day: dt.date, rating: str, kind: str = "ehc_needs_assessment") -> dict[str, Any]:
    return {"request_ref": f"PR-{day}-{rating}", "panel_date": day, "request_type": kind,
            "quality_rating": rating}  # fmt: skip


FRAMES = {
    "work_opportunities": pl.LazyFrame(
        [
            offer(D(2025, 1, 6), "apprenticeship", "yes"),
            offer(D(2024, 3, 1), "traineeship", "yes"),
            offer(D(2025, 2, 3), "supported_internship", "no"),
        ],
        schema=dataset_schema("work_opportunities"),
    ),
    "panel_requests": pl.LazyFrame(
        [request(D(2025, 5, 1), "high")] * 4
        + [request(D(2025, 5, 1), "low"), request(D(2025, 5, 1), "low", "other")],
        schema=dataset_schema("panel_requests"),
    ).with_columns(batch_id=pl.lit(7), row_number=pl.int_range(2, 8)),
    # no survey responses uploaded yet: the dataset is absent
}


def test_result_has_exactly_the_agreed_columns_and_types() -> None:
    out = compute_all(FRAMES, REGISTRY, today=TODAY)
    assert out.schema == pl.Schema(results.RESULT_SCHEMA)


def test_rows_in_registry_order_then_period_then_breakdown() -> None:
    out = compute_all(FRAMES, REGISTRY, today=TODAY)
    assert out.select("indicator_id", "period", "breakdown", "breakdown_group", "value").rows() == [
        # 2023/24: the traineeship offered 1 March 2024
        ("work_opportunities_taken_up", "2023/24", None, None, 1.0),
        ("work_opportunities_taken_up", "2023/24", "Type of opportunity", "Traineeship", 1.0),
        # 2024/25: the apprenticeship was taken up, the supported internship was not
        ("work_opportunities_taken_up", "2024/25", None, None, 1.0),
        ("work_opportunities_taken_up", "2024/25", "Type of opportunity", "Apprenticeship", 1.0),
        # 4 high of the 5 EHC needs assessment requests (the 'other' request is not counted)
        ("panel_request_quality", "2025-26", None, None, 80.0),
    ]


def test_status_is_set_on_the_headline_of_indicators_with_a_target() -> None:
    out = compute_all(FRAMES, REGISTRY, today=TODAY)
    quality = out.filter(pl.col("indicator_id") == "panel_request_quality").row(0, named=True)
    # 4/5 = 80% meets the 80% target
    assert (quality["numerator"], quality["denominator"], quality["status"]) == (4, 5, "on_track")
    assert out.filter(pl.col("indicator_id") != "panel_request_quality")["status"].is_null().all()


def test_no_data_at_all_gives_an_empty_table_of_the_same_shape() -> None:
    out = compute_all({}, REGISTRY, today=TODAY)
    assert out.is_empty()
    assert out.schema == pl.Schema(results.RESULT_SCHEMA)


def test_an_empty_registry_gives_an_empty_table() -> None:
    empty = Registry(area=AREA, priorities=(), indicators=())
    assert compute_all(FRAMES, empty, today=TODAY).schema == pl.Schema(results.RESULT_SCHEMA)
