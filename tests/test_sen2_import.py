"""SEN2 returns imported one after another, on SQLite and PostgreSQL, with figures worked by hand.

The fixtures are tests/sen2/return_2024.xml (collection 2024: requests of 2023, reference date
18 January 2024) and tests/sen2/return_2025.xml (the next year's, reference date 16 January
2025). Days are counted from the request to the plan (or decision), as the DfE does:

20 weeks (plans issued in the year, no more than 140 days after the request):
  2023: P1 140 days (in: 10 Jan to 30 May = 21+28+31+30+30), P2 141 (out: 1 Feb to 23 Jun =
        27+31+30+31+22), P4 184 with an exception (Week20 = 1), P13 133 (12 Jun to 23 Oct =
        18+31+31+30+23), P14 139 (1 Aug to 18 Dec = 30+30+31+30+18).
        Excluding exceptions 3 of 4 (75%); including them 3 of 5 (60%).
  2024 (second return): P10 137 (2 Oct 2023 to 16 Feb 2024 = 29+30+31+31+16, the plan decided
        in 2023), P3 141 (15 Jan to 4 Jun 2024 = 16+29+31+30+31+4: February 2024 has 29 days),
        P15 140 (4 Mar to 22 Jul = 27+30+31+30+22). 2 of 3 either way.
  P11's request is historical (H, decided in 2021) and was never stored: it counts only
        towards the active plans, never in 2021's figures.
6 weeks (decisions to assess or not made in the year, no more than 42 days after the request):
  2023: P1 35, P2 47 (late), P4 35, P5 37, P8 36, P9 60 (late), P10 35, P13 49 (late) and 35,
        P14 41: 7 of 10 (70%). P6 withdrawn and P7 undecided do not count.
  2024: P7 42 (11 Dec 2023 to 22 Jan 2024 = 20+22), P3 42 (16+26), P15 35, P16 52 (late):
        3 of 4 (75%).
Active plans: 7 on 18 January 2024 (P1, P2, P4, P11, P12, P13, P14); 8 on 16 January 2025
  (P1, P2, P10, P11, P12, P13, P3, P15).
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from metrics import api, audit, cli, ingest, pseudonym, sen2_import, uploads
from metrics.db import store
from metrics.db.tables import metadata
from metrics.ingest import sen2

HERE = Path(__file__).resolve().parent / "sen2"
FIRST = (HERE / "return_2024.xml").read_bytes()
SECOND = (HERE / "return_2025.xml").read_bytes()
KEY = "a3f1c9e07b5d2468ace0bdf13579ace02468bdf13579ace0"
TODAY = dt.date(2026, 11, 27)
# Everything identifying in the fixtures: none of it may reach the database.
NAMES = (
    "Quillfeather",
    "Ottoline",
    "Brackenbury",
    "Thaddeus",
    "Fenwick-Abara",
    "Ngozi",
    "Marchetti",
    "Ludovica",
    "Okonkwo",
    "Chidera",
    "Lindqvist",
    "Astrid",
    "Papadakis",
    "Eleni",
    "Villanueva",
    "Rodrigo",
    "Nakamura-Hughes",
    "Kenji",
    "Abernethy",
    "Isla",
    "Ravensworth",
    "Perpetua",
    "Szczepanski",
    "Bartosz",
    "Delacroix-Mbeki",
    "Aurelien",
    "Winterbottom",
    "Hepzibah",
    "Oyelaran",
    "Temitope",
    "Castellanos",
    "Ximena",
)
BIRTH_DATES = (
    "2015-03-20",
    "2012-07-04",
    "2018-11-30",
    "2010-01-15",
    "2016-06-06",
    "2019-09-09",
    "2013-04-22",
    "2009-12-01",
    "2014-08-08",
    "2011-02-14",
    "2008-05-05",
    "2017-10-31",
    "2012-12-12",
    "2016-02-29",
    "2013-09-17",
    "2011-11-11",
)
UPNS = tuple(f"Q1000000000{n:02d}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 15, 16))
POSTCODES = tuple(f"ZX{n} " for n in range(1, 17))  # every postcode starts so; none else does
# Everything identifying in the fixtures (and the ULN): none of it may reach the database.
IDENTIFIERS = [*NAMES, *BIRTH_DATES, *UPNS, "81234567", *POSTCODES]


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEASURES_PSEUDONYM_KEY", KEY)


def _import(engine: Engine, content: bytes, name: str) -> sen2_import.Stored:
    checked = sen2_import.check(engine, content, name, today=TODAY)
    assert checked.ok, checked.problems.to_dicts()
    return sen2_import.store_return(engine, checked, user="officer")


def _figures(engine: Engine, indicator: str) -> dict[str, tuple[float, float]]:
    out = api.compute(engine, api.registry(), indicator=indicator, on=TODAY)
    head = out.filter(pl.col("breakdown").is_null(), pl.col("denominator") > 0)
    return {r["period"]: (r["numerator"], r["denominator"]) for r in head.iter_rows(named=True)}


def _active_plans(engine: Engine) -> dict[str, float]:
    out = api.compute(engine, api.registry(), indicator="active_ehc_plans", on=TODAY)
    head = out.filter(pl.col("breakdown").is_null(), pl.col("value").is_not_null())
    return {r["period"]: r["value"] for r in head.iter_rows(named=True)}


def _current(engine: Engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            name: sorted(
                store.read_active(conn, name).drop("batch_id").rows(), key=lambda r: str(r)
            )
            for name in ("ehc_requests", "ehc_plans")
        }


def test_the_first_return_gives_the_hand_worked_figures(engine: Engine) -> None:
    stored = _import(engine, FIRST, "sen2_2024.xml")
    m = stored.merge
    # P11's historical request and P12's undated one count only towards the active plans
    assert (m.new, m.changed, m.unchanged, m.historical_only) == (12, 0, 0, 2)
    assert _figures(engine, "ehc_20wk_excl_exceptions") == {"2023": (3, 4)}
    assert _figures(engine, "ehc_20wk_incl_exceptions") == {"2023": (3, 5)}
    assert _figures(engine, "ehc_6wk_decisions") == {"2023": (7, 10)}
    assert _active_plans(engine) == {"2024-01": 7}


def test_the_next_years_return_loses_nothing_and_adds_its_year(engine: Engine) -> None:
    _import(engine, FIRST, "sen2_2024.xml")
    checked = sen2_import.check(engine, SECOND, "sen2_2025.xml", today=TODAY)
    preview = sen2_import.preview(engine, api.registry(), checked, today=TODAY)
    m = preview.merge
    # new: P3, P15, P16; changed: P7 (decided), P10 (plan issued); unchanged: P1 and P13's
    # second request, repeated as H; kept: the eight 2023 requests the return leaves out; for
    # the active plans only: P2, P11 and P12 (H, never stored)
    assert (m.new, m.changed, m.unchanged, m.kept, m.historical_only) == (3, 2, 2, 8, 3)
    assert m.changed_fields == {
        "request_decision_date": 1, "request_outcome": 1, "assessment_outcome": 1,
        "plan_issued_date": 1, "exception_20_weeks": 1, "primary_need": 1,
    }  # fmt: skip
    sentences = " ".join(sen2_import.preview_sentences(preview))
    assert "3 new, 2 changed and 2 unchanged" in sentences
    assert "8 requests stored for the same years are not in this return" in sentences

    _import(engine, SECOND, "sen2_2025.xml")
    assert _figures(engine, "ehc_20wk_excl_exceptions") == {"2023": (3, 4), "2024": (2, 3)}
    assert _figures(engine, "ehc_20wk_incl_exceptions") == {"2023": (3, 5), "2024": (2, 3)}
    assert _figures(engine, "ehc_6wk_decisions") == {"2023": (7, 10), "2024": (3, 4)}
    assert _active_plans(engine) == {"2024-01": 7, "2025-01": 8}
    with engine.connect() as conn:
        requests = store.read_active(conn, "ehc_requests")
    assert requests.height == 15  # 12 from the first return and 3 new ones
    # the H repeat of P1 blanked nothing: its plan date and Week20 are still there
    p1 = requests.filter(pl.col("request_received_date") == dt.date(2023, 1, 10)).row(0, named=True)
    assert (p1["plan_issued_date"], p1["exception_20_weeks"], p1["request_decision_date"]) == (
        dt.date(2023, 5, 30), "no", dt.date(2023, 2, 14),
    )  # fmt: skip


def test_rolling_back_the_second_return_restores_the_first_exactly(engine: Engine) -> None:
    _import(engine, FIRST, "sen2_2024.xml")
    after_first = _current(engine)
    second = _import(engine, SECOND, "sen2_2025.xml")
    assert _current(engine) != after_first
    with store.write_transaction(engine) as conn:
        store.rollback(conn, second.requests_batch, by="admin")  # and its plans with it
    assert _current(engine) == after_first
    assert _figures(engine, "ehc_6wk_decisions") == {"2023": (7, 10)}


@pytest.mark.parametrize("which", ["requests", "plans"])
def test_rolling_back_either_batch_of_a_return_rolls_back_both(engine: Engine, which: str) -> None:
    first = _import(engine, FIRST, "sen2_2024.xml")
    after_first = _current(engine)
    second = _import(engine, SECOND, "sen2_2025.xml")
    chosen, other = (
        (second.requests_batch, second.plans_batch)
        if which == "requests"
        else (second.plans_batch, second.requests_batch)
    )
    assert chosen is not None and other is not None
    effect = uploads.rollback_effect(engine, chosen)
    # the second requests batch holds the 15 requests of 2023 and 2024 (the first return's 12,
    # merged, and 3 new); its plans batch the 8 active plans of 16 January 2025. The first
    # return's 12 requests of 2023 count again; its 7 plans of January 2024 were never replaced.
    assert effect.together == (other,)
    assert effect.rows_removed == 15 + 8
    assert effect.restored.rows() == [(first.requests_batch, 12)]
    words = " ".join(uploads.rollback_sentences(effect))
    assert f"stored together with batch {other} from the same file" in words
    assert "rolls back both" in words and "takes their 23 rows out of every figure" in words

    result = uploads.roll_back(engine, chosen, user="admin")
    assert result == uploads.RolledBack(chosen, (other,), [first.requests_batch])
    with engine.connect() as conn:
        batches = store.read_batches(conn)
    status = dict(batches.select("id", "status").iter_rows())
    assert (status[chosen], status[other]) == ("rolled_back", "rolled_back")
    assert status[first.requests_batch] == "active" and status[first.plans_batch] == "active"
    assert _current(engine) == after_first
    newest = audit.events(engine, actions=[audit.ROLL_BACK]).row(0, named=True)
    assert newest["detail"].startswith(f"Rolled back batch {chosen} and batch {other}, stored")
    assert uploads.rolled_back_sentence(result) == (
        f"Batch {chosen} and batch {other}, stored with it from the same file, are rolled back: "
        f"their rows no longer count. Rows from batch(es) {first.requests_batch} count again. "
        "Every page now shows the figures without them."
    )


def test_a_return_names_the_batch_its_plans_were_stored_with(engine: Engine) -> None:
    stored = _import(engine, FIRST, "sen2_2024.xml")
    with engine.connect() as conn:
        batches = store.read_batches(conn)
        together = store.rolled_back_with(conn, stored.plans_batch)  # type: ignore[arg-type]
    assert batches.select("id", "stored_with").rows() == [
        (stored.requests_batch, None), (stored.plans_batch, stored.requests_batch),
    ]  # fmt: skip
    assert together == {stored.requests_batch: "ehc_requests"}


def test_the_same_person_has_the_same_reference_in_both_years(engine: Engine) -> None:
    _import(engine, FIRST, "sen2_2024.xml")
    _import(engine, SECOND, "sen2_2025.xml")
    with engine.connect() as conn:
        plans = store.read_active(conn, "ehc_plans")
    by_date = plans.group_by("snapshot_date").agg(pl.col("case_ref"))
    refs = {r[0]: set(r[1]) for r in by_date.rows()}
    # P1, P2, P11, P12 and P13 are in both snapshots
    assert len(refs[dt.date(2024, 1, 18)] & refs[dt.date(2025, 1, 16)]) == 5


def _database_text(engine: Engine, db_url: str) -> str:
    """Every text value stored, and on SQLite the database file's bytes themselves."""
    parts = []
    if engine.dialect.name == "sqlite":
        engine.dispose()  # closes the connections, so the write-ahead log is checkpointed
        path = Path(db_url.removeprefix("sqlite:///"))
        for file in path.parent.glob(path.name + "*"):
            parts.append(file.read_bytes().decode("latin-1"))
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            texts = [c for c in table.columns if isinstance(c.type, sa.String | sa.Text)]
            for row in conn.execute(sa.select(*texts)) if texts else []:
                parts.append(" ".join(str(v) for v in row))
    return "\n".join(parts)


def test_nothing_identifying_reaches_the_database(engine: Engine, db_url: str) -> None:
    _import(engine, FIRST, "sen2_2024.xml")
    _import(engine, SECOND, "sen2_2025.xml")
    text = _database_text(engine, db_url)
    assert "SEN2R-" in text  # the search does read the stored references
    found = [i for i in [*IDENTIFIERS, KEY] if i in text or i.upper() in text.upper()]
    assert found == []


def test_an_import_with_another_key_is_refused(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pseudonym.key_check(engine)[0] == "OK"  # set, no import yet
    _import(engine, FIRST, "sen2_2024.xml")
    assert pseudonym.key_check(engine) == (
        "OK", "MEASURES_PSEUDONYM_KEY is set and matches the key of the SEN2 returns stored.",
    )  # fmt: skip
    before = _current(engine)
    monkeypatch.setenv("MEASURES_PSEUDONYM_KEY", "b" * 40)
    assert pseudonym.key_check(engine)[0] == "FAIL"
    checked = sen2_import.check(engine, SECOND, "sen2_2025.xml", today=TODAY)
    assert not checked.ok
    assert "not the key the SEN2 returns already stored were" in checked.problems.item(0, "problem")
    assert _current(engine) == before
    monkeypatch.setenv("MEASURES_PSEUDONYM_KEY", "")
    assert pseudonym.key_check(engine)[0] == "FAIL"


def test_without_a_key_the_import_is_refused_with_the_command_that_makes_one(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEASURES_PSEUDONYM_KEY", "")
    assert pseudonym.key_check(engine)[0] == "WARN"
    checked = sen2_import.check(engine, FIRST, "sen2_2024.xml", today=TODAY)
    assert not checked.ok
    assert "secrets.token_hex(32)" in checked.problems.item(0, "problem")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Message [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Message><Header><CollectionDetails><Collection>&lol9;</Collection></CollectionDetails></Header>
</Message>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Message><Header><CollectionDetails><Collection>&secret;</Collection></CollectionDetails>
</Header></Message>"""
ANOTHER_COLLECTION = FIRST.replace(
    b"<Collection>SEN2</Collection>", b"<Collection>CIN</Collection>"
)
NOT_A_MESSAGE = b"<?xml version='1.0'?><SchoolCensus><Header/></SchoolCensus>"
EMPTY_PERSONS = FIRST[: FIRST.index(b"<Persons>")] + b"<Persons></Persons></Message>"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (FIRST[: len(FIRST) // 2], "not well-formed XML"),
        (ANOTHER_COLLECTION, "its collection is 'CIN'"),
        (NOT_A_MESSAGE, "outer element is <SchoolCensus>"),
        (EMPTY_PERSONS, "holds no people"),
        (BILLION_LAUGHS, "declares a document type or entities"),
        (EXTERNAL_ENTITY, "declares a document type or entities"),
        (FIRST.replace(b"<Ethnicity>WBRI<", b"<Ethnicity>XXXX<", 1), "not a SEN2 code"),
        (FIRST.replace(b"<SENtype>SEMH<", b"<SENtype>AUT<", 1), "not a SEN2 code"),
        (FIRST.replace(b"<RequestOutcome>W<", b"<RequestOutcome>R<", 1), "not a SEN2 code"),
        (FIRST.replace(b"<Week20>1<", b"<Week20>Y<", 1), "flag is 1 or 0"),
        (FIRST.replace(b"2023-05-02", b"02/05/2023", 1), "not a date we can read"),
        # P2's plan moved before its request was received
        (
            FIRST.replace(b"<StartDate>2023-06-23<", b"<StartDate>2023-01-23<", 1),
            "plan is dated before the request was received",
        ),
        (
            FIRST.replace(b"<RequestOutcomeDate>2023-02-14<", b"<RequestOutcomeDate>2022-02-14<"),
            "decision is dated before the request was received",
        ),
    ],
)
def test_bad_returns_are_refused_with_a_clear_message_and_nothing_stored(
    engine: Engine, db_url: str, content: bytes, words: str, capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:  # fmt: skip
    with engine.connect() as conn:
        before = store.table_digest(conn)
    checked = sen2_import.check(engine, content, "return.xml", today=TODAY)
    assert not checked.ok
    assert any(words in p for p in checked.problems.get_column("problem").to_list())
    path = tmp_path / "return.xml"
    path.write_bytes(content)
    code = cli.main(["--database", db_url, "import-sen2", str(path), "--format", "json"])
    assert code == 1
    assert json.loads(capsys.readouterr().out)["stored"] is None
    with engine.connect() as conn:
        assert store.table_digest(conn) == before


def test_an_unknown_code_is_reported_with_the_persons_place_element_and_value() -> None:
    bad = FIRST.replace(b"<SENtype>SEMH<", b"<SENtype>AUT<", 1)
    checked = sen2_import.check(None, bad, "return.xml", today=TODAY)
    assert checked.problems.select("row", "column", "value").rows() == [
        (2, "Requests[1]/ActivePlans/SENneed[1]/SENtype", "AUT"),
    ]
    assert checked.problems.item(0, "problem").startswith("Person 2 in the file:")


def test_a_missing_sex_or_ethnicity_is_reported() -> None:
    bad = FIRST.replace(b"<Sex>M</Sex>", b"", 1).replace(b"<Ethnicity>BCRB</Ethnicity>", b"")
    checked = sen2_import.check(None, bad, "return.xml", today=TODAY)
    # P2 is the second person, P4 the third
    assert checked.problems.select("row", "column").rows() == [(2, "Sex"), (3, "Ethnicity")]


def test_people_known_only_by_name_get_distinct_references_in_any_script() -> None:
    def ref(surname: str, forename: str) -> str:
        person = f"<p><surname>{surname}</surname><forename>{forename}</forename></p>"
        return sen2._identity(ET.fromstring(person), dt.date(2015, 1, 1)) or ""

    assert ref("王", "小明") != ref("李", "小明")
    assert ref("Zoë O'Brien", "Ann") == ref("ZOE OBRIEN", "ann")
    assert ref("", "Ann") == ""  # no surname: no reference, which is reported


def test_an_identifying_value_is_never_echoed_in_a_problem() -> None:
    bad = FIRST.replace(b"<PersonBirthDate>2015-03-20<", b"<PersonBirthDate>20/03/2015<", 1)
    checked = sen2_import.check(None, bad, "return.xml", today=TODAY)
    assert checked.problems.select("row", "column").rows() == [(1, "PersonBirthDate")]
    assert "2015" not in " ".join(str(v) for v in checked.problems.row(0))


def test_the_command_line_previews_then_stores(
    engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(HERE / "return_2024.xml")
    assert (
        cli.main(["--database", db_url, "import-sen2", path, "--dry-run", "--format", "json"]) == 0
    )
    dry = json.loads(capsys.readouterr().out)
    assert (dry["preview"]["requests_new"], dry["preview"]["active_plans"]) == (12, 7)
    assert dry["stored"] is None
    assert _current(engine) == {"ehc_requests": [], "ehc_plans": []}
    assert cli.main(["--database", db_url, "import-sen2", path, "--who", "Sam Officer"]) == 0
    out = capsys.readouterr().out
    assert "12 new, 0 changed and 0 unchanged requests" in out
    with engine.connect() as conn:
        batches = store.read_batches(conn)
    assert batches.select("dataset", "uploaded_by", "row_count").rows() == [
        ("ehc_requests", "Sam Officer", 12), ("ehc_plans", "Sam Officer", 7),
    ]  # fmt: skip
    events = audit.events(engine).filter(pl.col("action") == audit.UPLOAD)
    assert sorted(events.get_column("ref").to_list()) == ["1", "2"]
    assert set(events.get_column("who").to_list()) == {"Sam Officer"}


def test_support_while_waiting_uploaded_by_an_officer_survives_the_next_return(
    engine: Engine,
) -> None:
    """SEN2 does not hold it: an officer's upload fills it in, and the next return keeps it."""
    _import(engine, FIRST, "sen2_2024.xml")
    # unknown is never "no": the measure says why it has no figure
    assert _note(engine, "ehc_waiting_support", "2023").startswith(
        "No request assessed in 2023 has a record of whether the family was offered"
    )
    assert "SEN2 return does not hold it" in _note(engine, "ehc_plans_short_breaks", "2024-01")
    with engine.connect() as conn:
        rows = store.read_active(conn, "ehc_requests")
    # the officer's file: the same requests of 2023, every family assessed offered support
    officer = (
        rows.filter(pl.col("period_key") == "2023")
        .with_columns(
            waiting_support_offered=pl.lit("yes"),
            exception_20_weeks=pl.col("exception_20_weeks").fill_null("no"),
            primary_need=pl.col("primary_need").fill_null("OTH"),
        )
        .drop("batch_id", "row_number", "period_key")
    )
    report = ingest.ingest(
        engine, "ehc_requests", officer.write_csv().encode(), "waiting.csv", api.registry(),
        user="officer", today=TODAY,
    )  # fmt: skip
    assert report.ok, report.problems.to_dicts()
    _import(engine, SECOND, "sen2_2025.xml")
    with engine.connect() as conn:
        after = store.read_active(conn, "ehc_requests")
    of_2023 = after.filter(pl.col("period_key") == "2023")
    assert of_2023.height == 12
    assert of_2023.get_column("waiting_support_offered").to_list() == ["yes"] * 12
    # assessed in 2023: P1, P2, P4, P8, P9, P10, P13 (second request), P14
    assert _figures(engine, "ehc_waiting_support")["2023"] == (8, 8)


def _note(engine: Engine, indicator: str, period: str) -> str:
    out = api.compute(engine, api.registry(), indicator=indicator, on=TODAY)
    return out.filter(pl.col("breakdown").is_null(), pl.col("period") == period).item(0, "note")


def test_migration_0009_makes_the_key_fingerprint_table_as_the_code_declares_it(
    engine: Engine,
) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert [d for d in diffs if "pseudonym_key" in str(d)] == []
    columns = {c["name"] for c in sa.inspect(engine).get_columns("pseudonym_key")}
    assert columns == {"id", "fingerprint", "created_at", "created_by"}  # never the key
