"""New data shows at once, and a measure with a single period is explained, not drawn empty."""

from __future__ import annotations

from typing import Any

from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    app_on_fixture,
    empty_url_fixture,
    open_page,
    seeded_template_fixture,
    seeded_url_fixture,
    texts,
)

from metrics import api, ingest
from metrics.registry import load

REGISTRY = load()
HEADER = "indicator_id,period,breakdown,breakdown_group,count,numerator,denominator\n"


def _upload_counts(url: str, rows: str, file_name: str) -> None:
    """Store counted values through the same path as an officer's upload."""
    report = ingest.ingest(
        api.engine(url),
        "indicator_values",
        (HEADER + rows).encode("utf-8"),
        file_name,
        REGISTRY,
        user="test officer",
        today=api.today(),
    )
    assert report.ok, report.problems.to_dicts()


def test_a_new_upload_shows_on_the_next_run(app_on: Any, seeded_url: str) -> None:
    at = open_page(app_on(seeded_url), "population")
    assert "51 in November 2026" not in texts(at)

    # SEN Support for November 2026: 51 children (a value made up for this test)
    _upload_counts(seeded_url, "sen_support_count,2026-11,,,51,,\n", "sen_support_nov_2026.csv")
    at.run()

    assert not at.exception
    assert "51 in November 2026" in texts(at)


def test_a_measure_with_one_period_says_so_instead_of_drawing_a_trend(
    app_on: Any, empty_url: str
) -> None:
    # City Parent Carer Forum members: 55 in 2024 (strategy section 4), the only period
    _upload_counts(empty_url, "pcf_membership,2024,,,55,,\n", "pcf_2024.csv")

    at = open_page(app_on(empty_url), "indicator", indicator="pcf_membership")

    assert not at.exception
    page = texts(at)
    assert "Only one period so far" in page
    assert "55" in page
