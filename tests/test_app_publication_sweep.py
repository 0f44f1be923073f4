"""The publication view, page by page: the demo data's small counts never appear anywhere on a
page (text, tables, charts, labels), and `c` does, with its footnote.

City of London has one or two children in alternative provision a year and about five EHC
plans issued a year, so the demo data is full of counts from 1 to 4. The internal view shows
them (checked below, so the search can fail); the publication view must not, however they are
written: "2 in the 2026/27 academic year", "(1 of 1)", "School: 2", a table cell "2", a chart's
data, or a change such as "up 3 from 2".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    app_on_fixture,
    copy_database,
    open_page,
    seeded_template_fixture,
    sqlite_url,
)
from publication_support import shows_c, small_counts


@pytest.fixture(scope="module", name="demo_url")
def demo_url_fixture(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """One copy of the demo database for the module: pages share its cached results."""
    target = tmp_path_factory.mktemp("sweep") / "measures.sqlite3"
    copy_database(seeded_template, target)
    return sqlite_url(target)


# (page, address, whether it shows a suppressed figure): meeting mode's first screen lists
# only what changed, and a change resting on a suppressed figure is left out
PAGES: list[tuple[str, dict[str, str], bool]] = [
    ("overview", {}, True),
    *((f"priority-{p}", {}, True) for p in "12345"),
    ("population", {}, True),
    ("indicator", {"indicator": "ap_children"}, True),
    ("indicator", {"indicator": "ehc_20wk_incl_exceptions", "period": "2024"}, True),
    ("indicator", {"indicator": "work_opportunities_taken_up"}, True),
    ("meeting", {}, False),
    *(("meeting", {"priority": p}, True) for p in "125"),
]


@pytest.mark.parametrize(("page", "query", "with_c"), PAGES, ids=str)
def test_a_published_page_shows_no_small_count_and_shows_c(
    app_on: Any, demo_url: str, page: str, query: dict[str, str], with_c: bool
) -> None:
    at = open_page(app_on(demo_url), page, **query, publication="1")

    assert not at.exception, [e.message for e in at.exception]
    assert small_counts(at) == []
    if with_c:
        assert shows_c(at)


@pytest.mark.parametrize(
    ("page", "query"),
    [("overview", {}), ("priority-5", {}), ("population", {}), ("meeting", {"priority": "5"})],
    ids=str,
)
def test_the_same_pages_in_the_internal_view_do_show_small_counts(
    app_on: Any, demo_url: str, page: str, query: dict[str, str]
) -> None:
    # the check above can fail: the internal view shows the true small numbers
    at = open_page(app_on(demo_url), page, **query)

    assert not at.exception, [e.message for e in at.exception]
    assert small_counts(at)
    assert not shows_c(at)
