"""Saved column mappings and survey exports, on SQLite and PostgreSQL: SurveyMonkey and Forms
read wide to long with nothing identifying stored (the database's bytes are searched), a case
system's own layout, mappings saved as versions with their audit event, recognised by header,
exported and imported as TOML, and a mapped file's bad value refused with its row and the
file's own column name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from cli_support import run_fixture  # noqa: F401 (fixtures, asked for by their short names)
from sqlalchemy.engine import Engine

from metrics import audit, mappings, registry, uploads
from metrics.db import store
from metrics.db.tables import metadata
from metrics.ingest import reader, surveys

FILES = Path(__file__).resolve().parent / "export_files"
TODAY = dt.date(2026, 1, 10)
SURVEYMONKEY = "SurveyMonkey parent carer survey"
FORMS = "Microsoft Forms young people survey"
SEND_TOOL = "data-to-insight SEND tool requests"
# Everything identifying in the survey fixtures: names, e-mail and IP addresses, the tools'
# respondent ids, and free text that names people or gives a phone number.
IDENTIFYING = [
    "Jane", "Smith", "Ahmed", "Khan", "Olu", "Bello", "Mary", "Jones",
    "jane.smith@example.com", "ahmed.khan@example.org", "81.2.69.160", "81.2.69.163",
    "114000000001", "114000000004", "07700 900123", "Tom Smith",
    "Sam Taylor", "Priya Patel", "sam.taylor@example.sch.uk", "priya.patel@example.sch.uk",
    "More clubs near school",
]  # fmt: skip


def shipped(name: str) -> mappings.Mapping:
    return next(s.mapping for s in mappings.shipped() if s.mapping.name == name)


def store_file(engine: Engine, name: str, mapping: mappings.Mapping) -> uploads.Checked:
    checked = uploads.check(
        mapping.dataset, (FILES / name).read_bytes(), name, registry.load(), today=TODAY,
        mapping=mapping,
    )  # fmt: skip
    assert checked.ok, checked.report.problems
    uploads.store_upload(engine, mapping.dataset, checked, user="Ann")
    return checked


def database_text(engine: Engine) -> str:
    """Every value in every table as text and, for SQLite, the database file's own bytes."""
    parts = []
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(sa.select(table)).all():
                parts.append(" ".join(str(v) for v in row))
    if engine.url.get_backend_name() == "sqlite":
        path = Path(str(engine.url.database))
        for extra in ("", "-wal"):
            if Path(f"{path}{extra}").exists():
                parts.append(Path(f"{path}{extra}").read_bytes().decode("latin-1"))
    return "\n".join(parts)


def survey_rows(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        rows = store.read_active(conn, "survey_responses")
    return (
        rows.select("response_date", "respondent_group", "question", "response")
        .sort("response_date", "question")
        .rows()
    )


def test_surveymonkey_two_header_rows_become_one_per_answer(engine) -> None:
    store_file(engine, "surveymonkey_parent_carers.csv", shipped(SURVEYMONKEY))
    d = dt.date
    # 4 respondents, 2 agreement statements; respondent 3 left the second one blank
    assert survey_rows(engine) == [
        (d(2025, 11, 20), "parent_carer", "iag_offer_good", "strongly_agree"),
        (d(2025, 11, 20), "parent_carer", "wider_workforce_awareness", "agree"),
        (d(2025, 11, 21), "parent_carer", "iag_offer_good", "disagree"),
        (d(2025, 11, 21), "parent_carer", "wider_workforce_awareness", "neither"),
        (d(2025, 11, 22), "parent_carer", "iag_offer_good", "agree"),
        (d(2025, 11, 24), "parent_carer", "iag_offer_good", "dont_know"),
        (d(2025, 11, 24), "parent_carer", "wider_workforce_awareness", "strongly_disagree"),
    ]


def test_forms_export_becomes_one_row_per_answer(engine) -> None:
    store_file(engine, "forms_young_people.xlsx", shipped(FORMS))
    d = dt.date
    assert survey_rows(engine) == [
        (d(2025, 11, 3), "young_person", "felt_included_universal", "agree"),
        (d(2025, 11, 3), "young_person", "wider_workforce_awareness", "strongly_agree"),
        (d(2025, 11, 4), "young_person", "felt_included_universal", "neither"),
        (d(2025, 11, 4), "young_person", "wider_workforce_awareness", "disagree"),
        (d(2025, 11, 5), "young_person", "felt_included_universal", "strongly_disagree"),
    ]


def test_one_surveys_upload_does_not_replace_anothers(engine) -> None:
    """Both surveys ask wider_workforce_awareness in 2025-26, of different respondents."""
    store_file(engine, "surveymonkey_parent_carers.csv", shipped(SURVEYMONKEY))
    store_file(engine, "forms_young_people.xlsx", shipped(FORMS))
    rows = survey_rows(engine)
    assert len(rows) == 7 + 5
    groups = {(group, question) for _, group, question, _ in rows}
    assert ("parent_carer", "wider_workforce_awareness") in groups
    assert ("young_person", "wider_workforce_awareness") in groups
    # the same survey again replaces its own answers only
    checked = store_file(engine, "surveymonkey_parent_carers.csv", shipped(SURVEYMONKEY))
    assert checked.report.periods == [
        "iag_offer_good|parent_carer|2025-26", "wider_workforce_awareness|parent_carer|2025-26",
    ]  # fmt: skip
    assert len(survey_rows(engine)) == 7 + 5


def test_stored_survey_keys_gain_their_question_and_group(db_url) -> None:
    """Migration 0010 re-keys survey rows stored by year alone."""
    from alembic import command

    engine = store.engine_for(db_url)
    cfg = store.alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0008")
    now = dt.datetime(2026, 1, 10, tzinfo=dt.UTC)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO batches (id, dataset, uploaded_by, uploaded_at, file_name, sha256, "
            "row_count, periods, status, status_changed_at, status_changed_by, note) VALUES "
            "(1, 'survey_responses', 'Ann', :t, 's.csv', 'x', 1, '[\"2025-26\"]', 'active', :t, "
            "'Ann', '')"), {"t": now})  # fmt: skip
        conn.execute(sa.text(
            "INSERT INTO data_survey_responses (batch_id, row_number, period_key, response_ref, "
            "response_date, respondent_group, question, response) VALUES (1, 2, '2025-26', "
            "'S1', '2025-11-20', 'parent_carer', 'iag_offer_good', 'agree')"))  # fmt: skip
    store.migrate(engine)
    with engine.connect() as conn:
        key = conn.execute(sa.text("SELECT period_key FROM data_survey_responses")).scalar()
    assert key == "iag_offer_good|parent_carer|2025-26"


def test_nothing_identifying_reaches_the_database(engine) -> None:
    store_file(engine, "surveymonkey_parent_carers.csv", shipped(SURVEYMONKEY))
    store_file(engine, "forms_young_people.xlsx", shipped(FORMS))
    text = database_text(engine)
    assert "strongly_disagree" in text  # the search does see the stored answers
    found = [value for value in IDENTIFYING if value in text]
    assert found == []
    with engine.connect() as conn:  # every row stored, the superseded ones too
        refs = conn.execute(sa.text("SELECT response_ref FROM data_survey_responses")).scalars()
        refs = set(refs)
    # one pseudonym per respondent: 4 in SurveyMonkey, 3 in Forms, none the tool's own id
    assert len(refs) == 7
    assert all(r.startswith(surveys.PSEUDONYM_PREFIX) and len(r) == 14 for r in refs)


def test_a_case_system_export_in_its_own_layout(engine) -> None:
    store_file(engine, "send_tool_requests.csv", shipped(SEND_TOOL))
    with engine.connect() as conn:
        rows = store.read_active(conn, "ehc_requests").sort("case_ref")
    assert rows.select("case_ref", "sex", "ethnic_group", "request_outcome",
                       "assessment_outcome", "exception_20_weeks").rows() == [
        ("RQ-1001", "female", "white", "assess", "plan_issued", "no"),
        ("RQ-1002", "male", "asian", "not_assess", None, "no"),  # not assessed: none
        ("RQ-1003", "male", "black", "assess", "not_issued", "yes"),
    ]  # fmt: skip
    assert rows.get_column("plan_issued_date").to_list() == [dt.date(2025, 5, 12), None, None]
    assert "Bello Olu" not in database_text(engine)


@pytest.mark.parametrize(
    ("name", "mapping", "expected"),
    [
        # respondent 3 is on row 5 (two header rows); the file's question column is named
        ("surveymonkey_bad_answer.csv", SURVEYMONKEY,
         (5, "How much do you agree with each statement? - The information, advice and "
             "support on offer is good", "Mostly agree")),
        ("send_tool_requests_bad.csv", SEND_TOOL, (4, "Gender", "X")),
    ],
)  # fmt: skip
def test_a_mapped_bad_value_is_refused_with_its_row_and_the_files_column(
    engine, name: str, mapping: str, expected: tuple
) -> None:
    m = shipped(mapping)
    checked = uploads.check(
        m.dataset, (FILES / name).read_bytes(), name, registry.load(), today=TODAY, mapping=m
    )
    assert not checked.ok
    problems = checked.report.problems
    assert problems.select("row", "column", "value").rows() == [expected]
    assert "not one of the allowed values" in problems.item(0, "problem")
    with engine.connect() as conn:
        assert store.read_batches(conn).height == 0


def test_a_saved_mapping_is_versioned_audited_and_recognised(engine) -> None:
    table = mappings.prepared(
        reader.read_upload((FILES / "send_tool_requests.csv").read_bytes(), "x.csv")
    )
    assert mappings.recognise(engine, table.header).mapping.name == SEND_TOOL  # shipped
    mine = shipped(SEND_TOOL).model_copy(update={"name": "Our case system"})
    assert mappings.save(engine, mine, "Ann") == 1
    changed = mine.model_copy(
        update={"values": {**mine.values, "sex": {"F": "female", "M": "male"}}}
    )
    assert mappings.save(engine, changed, "Bo") == 2
    found = mappings.recognise(engine, list(reversed(table.header)))  # any column order
    assert found is not None and found.mapping.name == "Our case system"
    assert (found.version, found.saved_by) == (2, "Bo")
    assert found.mapping.values["sex"] == {"F": "female", "M": "male"}
    events = audit.events(engine, actions=[audit.MAPPING])
    assert sorted(events.get_column("who").to_list()) == ["Ann", "Bo"]
    assert any("version 2" in d for d in events.get_column("detail").to_list())


def test_a_mapping_survives_export_and_import(engine) -> None:
    original = shipped(SURVEYMONKEY)
    again = mappings.from_toml(mappings.to_toml(original))
    assert again == original


def test_a_mapping_that_reads_an_identifying_column_is_refused(engine) -> None:
    bad = shipped(SURVEYMONKEY).model_copy(update={"respondent": "Email Address"})
    with pytest.raises(mappings.MappingError, match="looks like an email address"):
        mappings.save(engine, bad, "Ann")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM mappings")).scalar() == 0


def test_mappings_at_the_command_line(run, engine, tmp_path) -> None:
    out_file = tmp_path / "send_tool.toml"
    code, _, _ = run("mappings", "export", SEND_TOOL, "--out", str(out_file))
    assert code == 0
    renamed = out_file.read_text(encoding="utf-8").replace(
        f'name = "{SEND_TOOL}"', 'name = "Shared by a neighbour"'
    )
    out_file.write_text(renamed, encoding="utf-8")
    code, out, _ = run("mappings", "import", str(out_file), "--who", "Ann")
    assert code == 0 and "Saved the mapping “Shared by a neighbour” as version 1" in out
    code, out, _ = run("mappings", "list", "--format", "json")
    import json

    listed = {m["name"]: m["version"] for m in json.loads(out)}
    assert listed == {"Shared by a neighbour": 1, SEND_TOOL: 0, SURVEYMONKEY: 0, FORMS: 0}
    code, out, _ = run(
        "ingest", "ehc_requests", str(FILES / "send_tool_requests_bad.csv"),
        "--mapping", "Shared by a neighbour",
    )  # fmt: skip
    assert code == 1 and "Row 4, column Gender: 'X'" in out
    code, out, _ = run(
        "ingest", "ehc_requests", str(FILES / "send_tool_requests.csv"),
        "--mapping", "Shared by a neighbour",
    )  # fmt: skip
    assert code == 0 and "Stored 3 rows as batch 1" in out
    assert "Read through the mapping “Shared by a neighbour”." in out
    code, _, err = run("ingest", "survey_responses", str(FILES / "send_tool_requests.csv"),
                       "--mapping", "Shared by a neighbour")  # fmt: skip
    assert code == 2 and "reads files as ehc_requests" in err
