"""A month of Local Offer visits from an analytics export, stored through the upload path, on
SQLite and PostgreSQL: `import-analytics`, superseding a month, refusals that store nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
from cli_support import run_fixture  # noqa: F401 (fixtures, asked for by their short names)
from sqlalchemy.engine import Engine

from metrics import registry, web_analytics
from metrics.db import store

FILES = Path(__file__).resolve().parent / "export_files"
TODAY = dt.date(2026, 5, 1)
GA4_ALL = 1200 + 345 + 5000 + 1024  # every page of ga4_pages_2026_03.csv
UA_ALL = 2048 + 512 + 10000


def stored_values(engine: Engine) -> list[tuple[str, str, float]]:
    with engine.connect() as conn:
        rows = store.read_active(conn, "indicator_values")
    return rows.select("indicator_id", "period", "count").sort("period").rows()


def test_the_shipped_registry_sends_exports_to_local_offer_visits() -> None:
    reg = registry.load()
    assert web_analytics.default_indicator(reg) == "local_offer_hits"
    assert reg.indicator("local_offer_hits").source.path_prefix == "/"


def test_import_stores_the_month_and_records_the_export(run, engine) -> None:
    code, out, _ = run("import-analytics", str(FILES / "ga4_pages_2026_03.csv"), "--who", "Ann")
    assert code == 0, out
    assert f"{GA4_ALL:,} views of 4 pages in March 2026" in out
    assert stored_values(engine) == [("local_offer_hits", "2026-03", GA4_ALL)]
    with engine.connect() as conn:
        batch = store.read_batches(conn).row(0, named=True)
    assert batch["file_name"] == "ga4_pages_2026_03.csv" and batch["uploaded_by"] == "Ann"
    import hashlib

    digest = hashlib.sha256((FILES / "ga4_pages_2026_03.csv").read_bytes()).hexdigest()
    assert batch["sha256"] == digest


def test_a_month_already_held_is_superseded_with_old_and_new_figures(run, engine, tmp_path) -> None:
    run("import-analytics", str(FILES / "ga4_pages_2026_03.csv"))
    # the same month again, from a file without its dates: 1,200 views of the home page only
    (tmp_path / "home_page_only.csv").write_text(
        "Page path and screen class,Views\n/localoffer/,1200\n"
    )
    code, out, _ = run("import-analytics", "--period", "2026-03", "--dry-run", "--format",
                       "json", str(tmp_path / "home_page_only.csv"))  # fmt: skip
    data = json.loads(out)
    assert code == 0 and data["views"] == 1200
    changes = data["preview"]["changes"]
    assert [(c["period"], c["before_value"], c["after_value"]) for c in changes] == [
        ("2026-03", GA4_ALL, 1200)
    ]
    assert stored_values(engine) == [("local_offer_hits", "2026-03", GA4_ALL)]  # a dry run
    code, out, _ = run("import-analytics", "--period", "2026-03",
                       str(tmp_path / "home_page_only.csv"))  # fmt: skip
    assert code == 0 and "replaces the figure held for that month" in out
    assert stored_values(engine) == [("local_offer_hits", "2026-03", 1200)]
    with engine.connect() as conn:
        statuses = store.read_batches(conn).sort("id").get_column("status").to_list()
    assert statuses == ["superseded", "active"]  # the first figure is kept, not blanked


def test_refusals_store_nothing_and_say_why(run, engine) -> None:
    for name, words in [
        ("ga4_two_months.csv", "not one whole calendar month"),
        ("ga4_part_month.csv", "not one whole calendar month"),
        ("ga4_no_preamble.csv", "does not say which dates it covers"),
        ("ga4_bad_views.csv", "Row 12, column Views: '34S' This is not a whole number of views."),
    ]:
        code, out, _ = run("import-analytics", str(FILES / name))
        assert code == 1 and words in out and "nothing was stored" in out, (name, out)
    assert stored_values(engine) == []
    with engine.connect() as conn:
        assert store.read_batches(conn).height == 0


def test_universal_analytics_history_is_loaded_by_its_own_dates(run, engine) -> None:
    code, out, _ = run("import-analytics", str(FILES / "ua_pages_2019_03.csv"))
    assert code == 0, out
    assert stored_values(engine) == [("local_offer_hits", "2019-03", UA_ALL)]


def test_a_path_prefix_in_the_registry_counts_only_its_pages(engine) -> None:
    reg = registry.load()
    ind = reg.indicator("local_offer_hits")
    narrowed = ind.model_copy(
        update={"source": ind.source.model_copy(update={"path_prefix": "/localoffer/"})}
    )
    reg = reg.model_copy(
        update={"indicators": tuple(narrowed if i.id == ind.id else i for i in reg.indicators)}
    )
    content = (FILES / "ga4_pages_2026_03.csv").read_bytes()
    result = web_analytics.check(content, "ga4.csv", reg, today=TODAY)
    assert result.ok and result.total == 1200 + 345 + 1024
    web_analytics.store_month(engine, result, user="Ann")
    assert stored_values(engine) == [("local_offer_hits", "2026-03", 1200 + 345 + 1024)]


def test_an_unknown_indicator_is_refused(engine) -> None:
    content = (FILES / "ga4_pages_2026_03.csv").read_bytes()
    result = web_analytics.check(
        content, "ga4.csv", registry.load(), today=TODAY, indicator="ehc_20wk_excl_exceptions"
    )
    assert not result.ok
    assert "not a monthly measure of counted values" in result.problems.item(0, "problem")
    assert isinstance(result.problems, pl.DataFrame)
