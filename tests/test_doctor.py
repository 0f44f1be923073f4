"""`python -m metrics doctor`: one line per check, OK / WARN / FAIL, exit status 1 on any FAIL;
on a healthy and on a broken deployment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from app_support import seeded_template_fixture, seeded_url_fixture  # noqa: F401 (fixtures)
from cli_support import run_fixture  # noqa: F401 (fixture, by its short name)
from failure_support import SECRET, broken_registry, migrate_ahead, nothing_listening_url
from sqlalchemy.engine import Engine

from metrics import api, doctor, registry
from metrics.db import archive, store
from metrics.settings import Settings

Run = Callable[..., tuple[int, str, str]]
HEADERS = '{ "X-Forwarded-Email" = "email", "X-Forwarded-Groups" = "groups" }'


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MEASURES_AUTH_MODE", "MEASURES_TRUSTED_PROXIES", "MEASURES_ROLE_CLAIM",
                 "STREAMLIT_SERVER_ADDRESS", "STREAMLIT_SERVER_TRUSTED_USER_HEADERS"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)


def check(url: str, tmp_path: Path, today: dt.date = dt.date(2025, 9, 1), **settings: str):
    """Every check's line, as {check: (status, message)}, for a database and settings."""
    ctx = doctor.Context(
        settings=Settings(database_url=url, **settings),  # type: ignore[arg-type]
        today=today, home=tmp_path, cwd=tmp_path,
    )  # fmt: skip
    return {line.check: (line.status, line.message) for line in doctor.run(ctx)}


KEY = "a-test-key-that-is-long-enough-0123456789abcdef"


def test_a_healthy_deployment(seeded_url: str, tmp_path: Path) -> None:
    lines = check(seeded_url, tmp_path, pseudonym_key=KEY)

    assert {name: status for name, (status, _) in lines.items()} == {
        "database": "OK", "registry": "OK", "sign-in": "OK", "pseudonym key": "OK",
        "official data": "OK", "free disk": "OK",
    }  # fmt: skip
    assert lines["pseudonym key"][1] == (
        "MEASURES_PSEUDONYM_KEY is set; no SEN2 return has been imported yet."
    )
    head = archive.head_revision()
    assert lines["database"][1] == (
        f"{seeded_url} is reachable and migrated to this version (schema {head})."
    )
    assert lines["registry"][1] == "the indicator registry is sound (37 indicators)."
    # seed_data/official/sources.toml: the EES release of June 2025, the next due by 30 June 2026
    assert lines["official data"][1].endswith(
        "(caseload.csv, lait_send_measures_all_las.csv, timeliness_20_week.csv); the next "
        "release is expected around June 2026."
    )


def test_official_data_overdue_once_the_next_release_is_out(
    seeded_url: str, tmp_path: Path
) -> None:
    # two months' grace after 30 June 2026; by September the new release should be in
    assert check(seeded_url, tmp_path, dt.date(2026, 7, 15))["official data"][0] == "OK"
    status, message = check(seeded_url, tmp_path, dt.date(2026, 9, 1))["official data"]
    assert status == "WARN"
    assert "from the release of June 2025; the next release was expected around June 2026" in (
        message
    )


def test_the_command_on_an_empty_database(run: Run) -> None:
    code, out, _ = run("doctor")

    assert code == 0  # warnings only
    lines = out.splitlines()
    # no pseudonym key set (no SEN2 return can be imported yet), no official statistics
    assert [line.split()[0] for line in lines] == ["OK", "OK", "OK", "WARN", "WARN", "OK"]
    assert lines[4] == (
        "WARN  official data: no official statistics are stored, so no England or regional "
        "comparators are shown: import the DfE files with `python -m metrics import-official "
        "FILE`."
    )


def test_a_broken_deployment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from metrics import cli

    url = nothing_listening_url()
    monkeypatch.setenv("MEASURES_AUTH_MODE", "oidc")  # and no secrets.toml anywhere
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(registry, "REGISTRY_PATH", broken_registry(tmp_path))
    api.get_settings.cache_clear()
    try:
        code = cli.main(["--database", url, "doctor"])
    finally:
        api.get_settings.cache_clear()
    out = capsys.readouterr().out

    assert code == 1
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == ["FAIL", "FAIL", "FAIL", "FAIL", "FAIL", "OK"]
    assert lines[0].startswith("FAIL  database: The database server at 127.0.0.1:")
    assert lines[1].startswith("FAIL  registry: the indicator registry has 2 problem(s)")
    assert lines[2] == (
        "FAIL  sign-in: oidc mode needs .streamlit/secrets.toml with an [auth] section (copy "
        "deploy/secrets.example.toml and fill it in); none was found."
    )
    assert SECRET not in out


def test_oidc_secrets_named_when_missing(seeded_url: str, tmp_path: Path) -> None:
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text('[auth]\nredirect_uri = "https://m.example/oauth2callback"\n'
                       'cookie_secret = "x"\nclient_id = "id"\n')  # fmt: skip

    status, message = check(seeded_url, tmp_path, auth_mode="oidc")["sign-in"]
    assert status == "FAIL"
    assert (
        message == f"oidc mode: {secrets} lacks [auth] client_secret, [auth] server_metadata_url."
    )


def test_header_mode_settings(
    seeded_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    status, message = check(seeded_url, tmp_path, auth_mode="header")["sign-in"]
    assert status == "FAIL" and "server.trustedUserHeaders is not set" in message

    monkeypatch.setenv("STREAMLIT_SERVER_TRUSTED_USER_HEADERS", HEADERS)
    lines = check(seeded_url, tmp_path, auth_mode="header", role_claim="groups")
    assert lines["sign-in"] == (
        "OK",
        "header mode: identity from X-Forwarded-Email, X-Forwarded-Groups, believed only from "
        "127.0.0.1, ::1.",
    )
    status, message = check(
        seeded_url, tmp_path, auth_mode="header", role_claim="groups",
        trusted_proxies="10.0.0.0/24, proxy.example",
    )["sign-in"]  # fmt: skip
    assert status == "FAIL"
    assert "MEASURES_TRUSTED_PROXIES has entries that are not addresses: ['proxy.example']" in (
        message
    )


def test_local_mode_on_a_network_address(
    seeded_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STREAMLIT_SERVER_ADDRESS", "0.0.0.0")
    status, message = check(seeded_url, tmp_path)["sign-in"]
    assert status == "FAIL"
    assert message.startswith("local mode is set to listen on 0.0.0.0")


def test_a_schema_behind_or_ahead(engine: Engine, db_url: str, tmp_path: Path) -> None:
    migrate_ahead(db_url, "0007")  # one migration behind this version
    store.engine_for.cache_clear()
    status, message = check(db_url, tmp_path)["database"]
    assert status == "WARN" and "run `python -m metrics batches` once" in message

    migrate_ahead(db_url, "0999")
    store.engine_for.cache_clear()
    status, message = check(db_url, tmp_path)["database"]
    assert status == "FAIL" and "migrated by a newer version of the dashboard" in message


def test_a_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nothing-here.sqlite3"
    lines = check(f"sqlite:///{path}", tmp_path)

    assert lines["database"][0] == "FAIL"
    assert lines["database"][1].startswith(f"there is no database file at {path}.")
    assert not path.exists()


def test_a_changed_pseudonym_key_fails(seeded_url: str, tmp_path: Path) -> None:
    from metrics import pseudonym
    from metrics.db import pseudonym_store

    engine = store.engine_for(seeded_url)
    with engine.begin() as conn:  # as the first SEN2 import under KEY leaves it
        pseudonym_store.record(conn, pseudonym.fingerprint(KEY.encode()), "test")

    assert check(seeded_url, tmp_path, pseudonym_key=KEY)["pseudonym key"][0] == "OK"
    status, message = check(seeded_url, tmp_path, pseudonym_key=KEY[::-1])["pseudonym key"]
    assert status == "FAIL"
    assert "differs from the key the stored SEN2 returns were imported with" in message
    assert KEY not in message and KEY[::-1] not in message
