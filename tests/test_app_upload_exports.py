"""The Upload page with files as other tools download them (AppTest, on a copy of the demo
data): a GA4 export recognised by its content and stored as the month's Local Offer visits
(the demo data holds 576 for March 2026), an export without dates asking for its month, and a
case system's own layout mapped once on the page, saved, recognised on the next upload,
exported and imported again."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    app_on_fixture,
    open_page,
    seeded_template_fixture,
    seeded_url_fixture,
    texts,
)
from streamlit.testing.v1 import AppTest

from metrics import api, audit, mappings
from metrics.db import store

FILES = Path(__file__).resolve().parent / "export_files"
GA4_ALL = 1200 + 345 + 5000 + 1024
# A case system's export of EHC needs assessment requests in its own words and codes.
CASE_HEADER = (
    "Case Reference,Date Received,Decision Date,Decision,Outcome,Plan Issued,Exceptions,"
    "Mediation,Age,Gender,Ethnicity,Need,Support Offered,Worker Email\n"
)
CASE_ROWS = (
    "CS-1,03/02/2025,01/03/2025,Assess,Issued,20/05/2025,N,N,6,F,White,ASD,Y,a.b@example.org\n"
    "CS-2,10/02/2025,09/03/2025,Not assess,Pending,,N,Y,9,M,Asian,SEMH,N,c.d@example.org\n"
)
NEXT_MONTH = "CS-3,03/03/2025,01/04/2025,Assess,Pending,,N,N,7,M,Black,SLCN,Y,e.f@example.org\n"


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, content, "text/csv"))
    return at.run()


def active(url: str, dataset: str) -> pl.DataFrame:
    with api.engine(url).connect() as conn:
        return store.read_active(conn, dataset)


def store_button(at: AppTest, name: str):  # type: ignore[no-untyped-def]
    found = [b for b in at.button if b.label == f"Store “{name}”"]
    assert len(found) == 1, [b.label for b in at.button]
    return found[0]


def test_a_ga4_export_is_recognised_previewed_and_stored(app_on, seeded_url) -> None:
    at = open_page(app_on(seeded_url), "upload")
    name = "ga4_pages_2026_03.csv"
    at = upload(at, name, (FILES / name).read_bytes())
    assert not at.exception
    shown = texts(at) + "\n".join(s.value for s in at.success)
    assert "This is a Google Analytics 4 export of page views" in shown
    assert f"{GA4_ALL:,} views of 4 pages in March 2026" in shown
    changes = [t.value for t in at.table if "Before" in t.value.columns]
    assert len(changes) == 1
    row = changes[0].iloc[0]
    assert (row["Period"], row["Before"], row["After"]) == ("2026-03", "576", f"{GA4_ALL:,}")
    at = store_button(at, name).click().run()
    assert not at.exception
    march = active(seeded_url, "indicator_values").filter(
        (pl.col("indicator_id") == "local_offer_hits") & (pl.col("period") == "2026-03")
    )
    assert march.get_column("count").to_list() == [GA4_ALL]
    assert "Stored “ga4_pages_2026_03.csv”" in "\n".join(s.value for s in at.success)


def test_an_export_without_dates_asks_for_its_month(app_on, seeded_url) -> None:
    at = open_page(app_on(seeded_url), "upload")
    name = "ga4_no_preamble.csv"
    at = upload(at, name, (FILES / name).read_bytes())
    months = [s for s in at.selectbox if s.label.startswith("The file does not say which dates")]
    assert len(months) == 1
    assert not [b for b in at.button if b.label.startswith("Store")]  # nothing until chosen
    at = months[0].set_value("2026-03").run()
    assert f"{GA4_ALL:,} views of 4 pages in March 2026" in "\n".join(s.value for s in at.success)
    assert store_button(at, name)


def test_a_range_over_two_months_is_refused_on_the_page(app_on, seeded_url) -> None:
    at = open_page(app_on(seeded_url), "upload")
    at = upload(at, "ga4_two_months.csv", (FILES / "ga4_two_months.csv").read_bytes())
    problems = [t.value for t in at.table if "What is wrong" in t.value.columns]
    assert "not one whole calendar month" in problems[0].iloc[0]["What is wrong"]
    assert not [b for b in at.button if b.label.startswith("Store")]


def test_a_mapping_saved_on_the_page_is_recognised_next_time(app_on, seeded_url, tmp_path) -> None:
    at = open_page(app_on(seeded_url), "upload")
    at.selectbox(key="upload_dataset").set_value("ehc_requests")
    at = upload(at.run(), "case_system.csv", (CASE_HEADER + CASE_ROWS).encode())
    assert not at.exception
    assert "Map this file's columns" in texts(at)
    assert "Never read (they identify people): Worker Email." in texts(at)
    ours = {
        "case_ref": "Case Reference", "request_received_date": "Date Received",
        "request_decision_date": "Decision Date", "request_outcome": "Decision",
        "assessment_outcome": "Outcome", "plan_issued_date": "Plan Issued",
        "exception_20_weeks": "Exceptions", "mediation_or_tribunal": "Mediation",
        "age_at_request": "Age", "sex": "Gender", "ethnic_group": "Ethnicity",
        "primary_need": "Need", "waiting_support_offered": "Support Offered",
    }  # fmt: skip
    for column, theirs in ours.items():
        at.selectbox(key=f"mapping_col_{column}").set_value(theirs)
    at = at.run()
    # the file's own codes against ours: suggested where the words match, chosen otherwise
    codes = {"Issued": "plan_issued", "F": "female", "M": "male"}
    for box in at.selectbox:
        for value, code in codes.items():
            if box.label == f"“{value}” in the file means":
                box.set_value(code)
    at.text_input(key="mapping_name").set_value("Our case system")
    at = at.run()
    at = at.button(key="mapping_save").click().run()
    assert not at.exception
    shown = texts(at) + "\n".join(s.value for s in at.success)
    assert "Saved the mapping “Our case system” (version 1)" in shown
    assert "Recognised: this file has the layout of the saved mapping “Our case system”" in shown
    at = store_button(at, "case_system.csv").click().run()
    stored = active(seeded_url, "ehc_requests").filter(pl.col("case_ref").str.starts_with("CS-"))
    assert stored.sort("case_ref").select("sex", "assessment_outcome").rows() == [
        ("female", "plan_issued"), ("male", "pending"),
    ]  # fmt: skip
    events = audit.events(api.engine(seeded_url), actions=[audit.MAPPING])
    assert events.height == 1 and "Our case system" in events.item(0, "detail")

    # the next file with the same columns, in another order, is read through it at once
    at = upload(at, "case_system_march.csv", (CASE_HEADER + NEXT_MONTH).encode())
    assert "Map this file's columns" not in texts(at)
    assert "saved mapping “Our case system” (version 1)" in texts(at)
    assert store_button(at, "case_system_march.csv")

    # exported and imported again (as another council would), it reads the same file
    engine = api.engine(seeded_url)
    shared = mappings.to_toml(mappings.find(engine, "Our case system").mapping)
    again = mappings.from_toml(shared.replace('"Our case system"', '"From a neighbour"'))
    assert again.columns == ours
    assert mappings.save(engine, again, "Bo") == 1
    assert mappings.find(engine, "From a neighbour").mapping.values["sex"] == {
        "F": "female", "M": "male",
    }  # fmt: skip


def test_a_mapped_bad_value_names_its_row_and_the_files_column(app_on, seeded_url) -> None:
    engine = api.engine(seeded_url)
    shipped = mappings.find(engine, "data-to-insight SEND tool requests")
    assert shipped.shipped
    at = open_page(app_on(seeded_url), "upload")
    at.selectbox(key="upload_dataset").set_value("ehc_requests")
    name = "send_tool_requests_bad.csv"
    at = upload(at.run(), name, (FILES / name).read_bytes())
    assert "saved mapping “data-to-insight SEND tool requests”" in texts(at)
    problems = next(t.value for t in at.table if "What is wrong" in t.value.columns)
    assert problems[["Row", "Column", "Value"]].values.tolist() == [["4", "Gender", "X"]]
    assert not [b for b in at.button if b.label.startswith("Store")]
