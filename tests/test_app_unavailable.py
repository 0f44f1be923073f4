"""The dashboard when it cannot work, the failures made for real: a calm page, the advice for
admins only, never a stack trace or a password."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from app_support import (  # noqa: F401 (fixtures, by their short names)
    APP,
    PAGE_FILES,
    RUN_TIMEOUT,
    copy_database,
    seeded_template_fixture,
    seeded_url_fixture,
)
from failure_support import (
    SECRET,
    broken_registry,
    migrate_ahead,
    missing_database_url,
    nothing_listening_url,
    read_only,
    refusing_postgres,
)
from streamlit.testing.v1 import AppTest

from dashboard import auth as app_auth
from dashboard import unavailable


@pytest.fixture(name="dashboard")
def dashboard_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An AppTest of the dashboard on a database URL, in a sign-in mode, as someone."""

    def make(url: str, mode: str = "local", groups: str | None = None) -> AppTest:
        monkeypatch.setenv("MEASURES_DATABASE_URL", url)
        monkeypatch.setenv("MEASURES_AUTH_MODE", mode)
        monkeypatch.setenv("MEASURES_ROLE_CLAIM", "groups")
        at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
        if mode == "header":
            at.user = {"email": "sam@council.example", "groups": groups}
        elif mode == "oidc":
            at.user = {"is_logged_in": False}
        return at

    yield make


def everything(at: AppTest) -> str:
    parts = [str(e.value) for kind in ("title", "markdown", "info", "warning", "error")
             for e in getattr(at, kind)]  # fmt: skip
    return "\n".join(parts)


def calm(at: AppTest, *, whole_page: bool = True) -> str:
    """The page is the calm page, with no error box, chart or table (`whole_page`: nothing
    else; otherwise it ends the page that failed part way); returns its text."""
    assert not at.exception, [e.message for e in at.exception]
    if whole_page:
        assert [t.value for t in at.title] == [unavailable.TITLE]
        assert [i.value for i in at.info] == [unavailable.FOR_EVERYONE]
        assert not at.get("vega_lite_chart") and not at.table and not at.dataframe
    else:
        assert at.title[-1].value == unavailable.TITLE
        assert at.info[-1].value == unavailable.FOR_EVERYONE
    text = everything(at)
    assert SECRET not in text and "Traceback" not in text
    return text


def advice(at: AppTest) -> str:
    """What the admin is told: the calm page's warning, its last."""
    assert at.main.markdown[-1].value == unavailable.FOR_ADMINS
    return str(at.warning[-1].value)


def test_an_admin_is_told_the_server_is_not_running(dashboard: Any) -> None:
    url = nothing_listening_url()
    port = url.rsplit(":", 1)[1].split("/")[0]
    at = dashboard(url).run()  # local mode: the person at this computer is the admin

    calm(at)
    assert advice(at).startswith(f"The database server at 127.0.0.1:{port} could not be reached")
    assert f"pg_isready -h 127.0.0.1 -p {port}" in advice(at)


def test_a_viewer_is_told_only_to_try_again_later(dashboard: Any) -> None:
    at = dashboard(missing_database_url(), mode="header", groups="viewer").run()

    text = calm(at)
    assert not at.warning
    assert "does not exist" not in text and "MEASURES_DATABASE_URL" not in text


def test_an_admin_behind_the_gateway_sees_the_missing_database(dashboard: Any) -> None:
    at = dashboard(missing_database_url(), mode="header", groups="admin").run()

    calm(at)
    assert advice(at).startswith(
        "The database 'test_i17_no_such_database' does not exist on the server"
    )


def test_a_wrong_password(dashboard: Any) -> None:
    with refusing_postgres() as url:
        at = dashboard(url).run()

    calm(at)
    assert advice(at).startswith("The database server refused the user 'measures'")


def test_a_database_migrated_by_a_newer_version(dashboard: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'measures.sqlite3'}"
    migrate_ahead(url, "0999")
    at = dashboard(url).run()

    calm(at)
    assert "schema revision '0999' is unknown to this version" in advice(at)


def test_a_registry_with_an_error(
    dashboard: Any, seeded_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEASURES_REGISTRY", str(broken_registry(tmp_path)))
    at = dashboard(seeded_url).run()

    calm(at)
    assert advice(at).startswith("The indicator registry (indicators.toml) has 2 problem(s)")


def test_a_read_only_database(dashboard: Any, seeded_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "measures.sqlite3"
    copy_database(seeded_template, path)
    fixed = b"indicator_id,period,breakdown,breakdown_group,count,numerator,denominator\n" + (
        b"leader_advocacy_activities,2026-Q3,,,7,,\n"
    )
    with read_only(path):
        # pages are read, so they still work; storing an upload is where it fails
        at = dashboard(f"sqlite:///{path}").run()
        assert [t.value for t in at.title] == ["Overview"]
        at.switch_page(PAGE_FILES["upload"])
        at.run()
        at.selectbox(key="upload_dataset").set_value("indicator_values")
        at.run()
        at.file_uploader[0].set_value(("advocacy.csv", fixed, "text/csv"))
        at.run()
        [store_button] = [b for b in at.button if b.label == "Store “advocacy.csv”"]
        store_button.click()
        at.run()

    calm(at, whole_page=False)  # after the upload page's own heading and the checked file
    assert advice(at).startswith(f"The database (sqlite:///{path}) could not be written to.")


def test_oidc_without_its_secrets(dashboard: Any, seeded_url: str) -> None:
    at = dashboard(seeded_url, mode="oidc").run()
    at.button[0].click().run()  # Sign in: secrets.toml has no [auth] section

    calm(at, whole_page=False)  # after the sign-in screen's heading
    assert not at.warning  # nobody is signed in, so nobody is an admin here
    assert [b.label for b in at.button] == [app_auth.SIGN_IN_LABEL]
