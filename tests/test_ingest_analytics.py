"""Web analytics exports read as downloaded: GA4 and Universal Analytics, with and without their
top lines, thousands separators, totals rows, a Day Index table, and dates that are not one
month. Expected totals are added up by hand from the files in tests/export_files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from metrics.ingest import analytics
from metrics.ingest.reader import UnreadableFile

FILES = Path(__file__).resolve().parent / "export_files"
# /localoffer/ 1200 + /localoffer/short-breaks 345 + /bins/collection-days 5000
# + /localoffer/send-support "1,024"
GA4_ALL, GA4_LOCAL_OFFER = 1200 + 345 + 5000 + 1024, 1200 + 345 + 1024
# /localoffer/ "2,048" + /localoffer/short-breaks 512 + /council-tax "10,000"
UA_ALL, UA_LOCAL_OFFER = 2048 + 512 + 10000, 2048 + 512


def read(name: str) -> analytics.PageViews:
    return analytics.read_export((FILES / name).read_bytes(), name)


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("ga4_pages_2026_03.csv", analytics.GA4),
        ("ga4_no_preamble.csv", analytics.GA4),
        ("ga4_page_titles.csv", analytics.GA4),
        ("ua_pages_2019_03.csv", analytics.UA),
    ],
)
def test_exports_are_recognised_by_their_content(name: str, source: str) -> None:
    content = (FILES / name).read_bytes()
    assert analytics.detect(content) == source


def test_other_files_are_not_analytics_exports() -> None:
    seed = Path(__file__).resolve().parents[1] / "seed_data"
    assert analytics.detect((seed / "indicator_values.csv").read_bytes()) is None
    assert analytics.detect(b"Page,Count\n/a,1\n") is None  # no views column
    assert analytics.detect(b"") is None


def test_ga4_with_its_top_lines_gives_the_month_and_the_total_views() -> None:
    views = read("ga4_pages_2026_03.csv")
    assert (views.start, views.end) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    month = analytics.monthly_total(views)
    assert (month.period, month.total, month.pages) == ("2026-03", GA4_ALL, 4)
    assert month.problems.height == 0


def test_a_path_prefix_counts_only_the_pages_under_it() -> None:
    month = analytics.monthly_total(read("ga4_pages_2026_03.csv"), path_prefix="/localoffer/")
    assert (month.period, month.total, month.pages) == ("2026-03", GA4_LOCAL_OFFER, 3)
    ua = analytics.monthly_total(read("ua_pages_2019_03.csv"), path_prefix="/localoffer/")
    assert (ua.period, ua.total) == ("2019-03", UA_LOCAL_OFFER)


def test_a_totals_row_is_not_counted_again() -> None:
    month = analytics.monthly_total(read("ga4_totals_row.csv"))
    assert (month.period, month.total) == ("2026-03", GA4_ALL)


def test_without_its_top_lines_the_month_must_be_given() -> None:
    views = read("ga4_no_preamble.csv")
    refused = analytics.monthly_total(views)
    assert refused.total is None and refused.period is None
    assert "does not say which dates it covers" in refused.problems.item(0, "problem")
    given = analytics.monthly_total(views, period="2026-03")
    assert (given.period, given.total) == ("2026-03", GA4_ALL)


def test_universal_analytics_quoted_thousands_totals_row_and_day_index_table() -> None:
    views = read("ua_pages_2019_03.csv")
    # the totals row ("12,560") and the Day Index table after the blank line are not pages
    assert views.pages.get_column("page").to_list() == [
        "/localoffer/", "/localoffer/short-breaks", "/council-tax",
    ]  # fmt: skip
    month = analytics.monthly_total(views)
    assert (month.period, month.total) == ("2019-03", UA_ALL)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("ga4_two_months.csv", "1 March 2026 to 30 April 2026, which is not one whole"),
        ("ga4_part_month.csv", "1 March 2026 to 15 March 2026, which is not one whole"),
    ],
)
def test_a_range_that_is_not_one_whole_month_is_refused(name: str, words: str) -> None:
    month = analytics.monthly_total(read(name))
    assert month.total is None
    assert words in month.problems.item(0, "problem")
    # a month given does not override the file's own dates
    assert analytics.monthly_total(read(name), period="2026-03").total is None


def test_a_month_that_contradicts_the_file_is_refused() -> None:
    month = analytics.monthly_total(read("ga4_pages_2026_03.csv"), period="2026-04")
    assert month.total is None
    assert "covers March 2026, but April 2026 was chosen" in month.problems.item(0, "problem")


def test_a_bad_view_count_names_its_row_column_and_value() -> None:
    month = analytics.monthly_total(read("ga4_bad_views.csv"))
    assert month.total is None
    # line 12 of the file: 9 top lines, the header, /localoffer/, then this page
    assert month.problems.select("row", "column", "value").rows() == [(12, "Views", "34S")]


def test_page_titles_cannot_be_counted_under_a_path_prefix() -> None:
    month = analytics.monthly_total(read("ga4_page_titles.csv"), path_prefix="/localoffer/")
    assert month.total is None
    assert "lists pages by title" in month.problems.item(0, "problem")


def test_a_file_that_is_no_export_is_refused_with_the_reason() -> None:
    with pytest.raises(UnreadableFile, match="not a web analytics export"):
        analytics.read_export(b"a,b\n1,2\n", "other.csv")


def test_a_connector_can_feed_the_same_aggregator() -> None:
    """What a GA4 Data API pull would build: the same PageViews, the same monthly total."""
    import polars as pl

    pulled = analytics.PageViews(
        source="GA4 Data API", dimension="unifiedPagePathScreen",
        pages=pl.DataFrame({"page": ["/localoffer/", "/news"], "views": [10, 5],
                            "row_number": [None, None]},
                           schema={"page": pl.String, "views": pl.Int64, "row_number": pl.Int64}),
        start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28),
    )  # fmt: skip
    month = analytics.monthly_total(pulled, path_prefix="/localoffer/")
    assert (month.period, month.total) == ("2026-02", 10)
