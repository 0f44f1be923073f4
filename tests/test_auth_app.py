"""Sign-in and roles in the running app (AppTest, with `at.user` as Streamlit's sign-in sets it):
each role's menu lists exactly its pages, a page opened by its address refuses anyone whose role
does not allow it and runs nothing else, and sign-ins, refusals and changes reach the audit log.

Runs on a copy of the demo database in `oidc` mode (roles from the ID token's `roles` claim)
unless a test says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import streamlit as st
from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    APP,
    PAGE_FILES,
    RUN_TIMEOUT,
    seeded_template_fixture,
    seeded_url_fixture,
    texts,
)
from streamlit.testing.v1 import AppTest

from dashboard import app_pages
from dashboard import auth as app_auth
from metrics import api, audit
from metrics.db import store
from metrics.registry import load

REGISTRY = load()
# Pages only officers and admins may open, and those only admins may open.
OFFICER_PAGES = {"upload", "data-audit"}
ADMIN_PAGES = {"targets", "audit-log"}


def menu_for(role: str) -> list[str]:
    """The menu a role should see: every page whose roles include it, in menu order."""
    return [s.url_path for s in app_pages.page_specs(REGISTRY) if role in s.roles]


PAGES = PAGE_FILES | {"audit-log": "app_pages/audit_log.py", "targets": "app_pages/targets.py"}
HEADER = "indicator_id,period,breakdown,breakdown_group,count,numerator,denominator\n"
FIXED = (HEADER + "leader_advocacy_activities,2026-Q3,,,7,,\n").encode()


def signed_in(role: str | None, email: str | None = None, iat: int = 1_795_818_645) -> dict:
    """What Streamlit's sign-in puts in st.user: the ID token's claims and is_logged_in."""
    claims: dict[str, Any] = {
        "is_logged_in": True,
        "email": email or f"{role or 'nobody'}@council.example",
        "sub": f"sub-{role}",
        "iat": iat,
    }
    if role is not None:
        claims["roles"] = [role]
    return claims


@pytest.fixture(name="menus")
def menus_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[str]]]:
    """Each run's menu: the url paths of the pages the app hands st.navigation as visible."""
    seen: list[list[str]] = []
    real = st.navigation

    def spy(pages: list[st.Page], **kwargs: Any) -> Any:
        seen.append([p.url_path or "overview" for p in pages if p.visibility == "visible"])
        return real(pages, **kwargs)

    monkeypatch.setattr(st, "navigation", spy)
    yield seen


@pytest.fixture(name="app_as")
def app_as_fixture(monkeypatch: pytest.MonkeyPatch, seeded_url: str) -> Iterator[Any]:
    """An AppTest of the dashboard in a sign-in mode, as a given user."""

    def make(user: dict[str, Any], mode: str = "oidc") -> AppTest:
        monkeypatch.setenv("MEASURES_DATABASE_URL", seeded_url)
        monkeypatch.setenv("MEASURES_AUTH_MODE", mode)
        at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
        at.user = user
        return at

    yield make


def data_digest(url: str) -> dict[str, list[tuple]]:
    """Every stored row except the audit log's: what 'nothing was written' means."""
    with api.engine(url).connect() as conn:
        return {k: v for k, v in store.table_digest(conn).items() if k != "audit_events"}


def events(url: str, *kinds: str) -> list[dict[str, Any]]:
    return audit.events(api.engine(url), actions=list(kinds) or None).to_dicts()


def opened(at: AppTest, page: str) -> AppTest:
    """Run the app, then open a page as if by typing its address."""
    at.run()
    at.switch_page(PAGES[page])
    return at.run()


@pytest.mark.parametrize("role", ["viewer", "officer", "admin"])
def test_each_role_sees_exactly_its_pages(app_as: Any, menus: list[list[str]], role: str) -> None:
    at = app_as(signed_in(role)).run()

    assert not at.exception, [e.message for e in at.exception]
    menu = menus[-1]
    assert menu == menu_for(role)
    # every report page is for everyone; upload and data for officers; the audit log for admins
    assert {"overview", "priority-1", "indicator", "about"} <= set(menu)
    assert (set(menu) >= OFFICER_PAGES) == (role in {"officer", "admin"})
    assert (set(menu) >= ADMIN_PAGES) == (role == "admin")
    if role == "viewer":
        assert not (OFFICER_PAGES | ADMIN_PAGES) & set(menu)
    if role == "admin":
        assert menu == [s.url_path for s in app_pages.page_specs(REGISTRY)]
    # the sidebar says who is signed in, and as what
    who = f"Signed in as **{role}@council.example**"
    assert any(m.value.startswith(who) for m in at.sidebar.markdown)


def test_a_viewer_forced_onto_the_upload_page_is_refused_and_nothing_is_written(
    app_as: Any, seeded_url: str
) -> None:
    before = data_digest(seeded_url)
    at = opened(app_as(signed_in("viewer")), "upload")

    assert not at.exception
    assert [e.value for e in at.error] == [
        "Uploading data is only for an officer or an admin; you are using the dashboard as a "
        "viewer. Ask the SEND data team if you need access."
    ]
    # nothing of the page ran: no heading, no chooser, no file uploader, no table
    assert not at.title and not at.selectbox and not at.file_uploader and not at.table
    assert data_digest(seeded_url) == before
    refusals = events(seeded_url, audit.REFUSED)
    assert [(e["who"], e["role"]) for e in refusals] == [("viewer@council.example", "viewer")]
    assert refusals[0]["detail"].startswith("Uploading data is only for an officer or an admin")


def test_an_officer_forced_onto_the_audit_log_is_refused(app_as: Any, seeded_url: str) -> None:
    at = opened(app_as(signed_in("officer")), "audit-log")

    assert not at.exception
    assert [e.value for e in at.error] == [
        "The audit log is only for an admin; you are using the dashboard as an officer. Ask "
        "the SEND data team if you need access."
    ]
    assert not at.title and not at.table
    assert [e["who"] for e in events(seeded_url, audit.REFUSED)] == ["officer@council.example"]


def test_an_officer_can_upload_and_the_upload_is_recorded_against_them(
    app_as: Any, seeded_url: str
) -> None:
    at = opened(app_as(signed_in("officer", "ola@council.example")), "upload")
    at.selectbox(key="upload_dataset").set_value("indicator_values")
    at.run()
    at.file_uploader[0].set_value(("advocacy.csv", FIXED, "text/csv"))
    at.run()
    [confirm] = [b for b in at.button if b.label == "Store “advocacy.csv”"]
    confirm.click()
    at.run()

    assert not at.exception, [e.message for e in at.exception]
    with api.engine(seeded_url).connect() as conn:
        newest = store.read_batches(conn).row(-1, named=True)
    assert (newest["file_name"], newest["uploaded_by"]) == ("advocacy.csv", "ola@council.example")
    [stored] = events(seeded_url, audit.UPLOAD)
    assert (stored["who"], stored["role"], stored["ref"]) == (
        "ola@council.example", "officer", str(newest["id"]),
    )  # fmt: skip


def test_an_admin_sees_sign_ins_refusals_and_changes_in_the_audit_log(
    app_as: Any, seeded_url: str
) -> None:
    # a viewer is refused the upload page first
    opened(app_as(signed_in("viewer", "val@council.example", iat=1)), "upload")

    at = opened(app_as(signed_in("admin", "ada@council.example", iat=2)), "audit-log")

    assert not at.exception, [e.message for e in at.exception]
    assert [t.value for t in at.title] == ["Audit log"]
    [table] = at.table
    shown = table.value
    assert list(shown.columns) == ["When (UK time)", "Who", "Role", "What", "Detail"]
    # newest first: the admin's sign-in, the viewer's refusal, the viewer's sign-in
    assert shown[["Who", "What"]].values.tolist() == [
        ["ada@council.example", "→ Signed in"],
        ["val@council.example", "⛔ Refused"],
        ["val@council.example", "→ Signed in"],
    ]
    assert [d.label for d in at.get("download_button")] == ["Download 3 events as a CSV file"]


def test_nobody_signed_in_sees_only_the_sign_in_button(
    app_as: Any, menus: list[list[str]], seeded_url: str
) -> None:
    at = app_as({"is_logged_in": False}).run()

    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"]
    assert [b.label for b in at.button] == [app_auth.SIGN_IN_LABEL]
    # no menu, no figures, no links to pages
    assert menus == []
    assert not at.table and not at.get("vega_lite_chart") and not at.get("page_link")
    assert events(seeded_url) == []


def test_signed_in_without_a_role_is_refused_and_recorded_once(
    app_as: Any, menus: list[list[str]], seeded_url: str
) -> None:
    at = app_as(signed_in(None, "cy@council.example")).run()
    at.run()  # a rerun (any click) does not record the refusal again

    assert not at.exception
    assert [e.value for e in at.error] == [
        "You are signed in as cy@council.example, but you do not have a role for this dashboard "
        "(viewer, officer or admin), so nothing is shown. Ask the SEND data team for access."
    ]
    assert menus == [] and not at.title
    assert [(e["action"], e["who"]) for e in events(seeded_url)] == [
        ("refused", "cy@council.example")
    ]


def test_one_sign_in_is_recorded_once_however_many_tabs_open_it(
    app_as: Any, seeded_url: str
) -> None:
    # two browser tabs on the same sign-in share the ID token, so its issue time
    app_as(signed_in("viewer", iat=1_795_818_645)).run()
    app_as(signed_in("viewer", iat=1_795_818_645)).run()
    # signing in again gives a new token
    app_as(signed_in("viewer", iat=1_795_822_245)).run()

    sign_ins = events(seeded_url, audit.SIGN_IN)
    assert [e["ref"] for e in sign_ins] == [
        "token issued at 1795822245", "token issued at 1795818645",
    ]  # fmt: skip
    assert sign_ins[0]["detail"] == "Signed in with the council's identity provider as a viewer."


def test_signing_out_is_recorded_and_signs_out(app_as: Any, seeded_url: str) -> None:
    at = app_as(signed_in("officer")).run()
    [sign_out] = [b for b in at.sidebar.button if b.label == app_auth.SIGN_OUT_LABEL]
    sign_out.click()
    at.run()

    assert at.user == {"is_logged_in": False}
    assert [(e["action"], e["who"]) for e in events(seeded_url, audit.SIGN_OUT)] == [
        ("sign_out", "officer@council.example")
    ]


# ---------------------------------------------------------------------------------------------
# header mode: the proxy's headers, as Streamlit copies them into st.user
# ---------------------------------------------------------------------------------------------


@pytest.fixture(name="header_mode")
def header_mode_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    # as deploy/streamlit-production.toml maps oauth2-proxy's headers: email, and groups
    monkeypatch.setenv("MEASURES_ROLE_CLAIM", "groups")
    monkeypatch.setenv("MEASURES_ROLE_MAP", '{"Measures.Viewer": "viewer", "Measures.Officer": '
                       '"officer", "Measures.Admin": "admin"}')  # fmt: skip


@pytest.mark.usefixtures("header_mode")
def test_behind_the_gateway_roles_come_from_its_header(
    app_as: Any, menus: list[list[str]], seeded_url: str
) -> None:
    user = {"email": "ola@council.example", "groups": "All.Staff,Measures.Officer"}
    at = app_as(user, mode="header").run()

    assert not at.exception
    assert menus[-1] == menu_for("officer")
    [sign_in] = events(seeded_url, audit.SIGN_IN)
    assert sign_in["detail"] == "Signed in through the sign-in gateway as an officer."


@pytest.mark.usefixtures("header_mode")
def test_a_name_is_shown_as_text_never_as_a_link(app_as: Any) -> None:
    user = {"email": "[Reset password](https://evil.example)", "groups": "Measures.Viewer"}
    at = app_as(user, mode="header").run()

    # Markdown's brackets escaped: the name reads as typed and links nowhere
    assert [m.value for m in at.sidebar.markdown][-1] == (
        "Signed in as **\\[Reset password\\]\\(https://evil.example\\)**, a viewer."
    )


@pytest.mark.usefixtures("header_mode")
def test_a_request_without_the_gateways_headers_gets_no_data(
    app_as: Any, menus: list[list[str]]
) -> None:
    # Streamlit sets each configured header's key to None when the request lacks the header
    at = app_as({"email": None, "groups": None}, mode="header").run()

    assert not at.exception
    assert menus == []
    assert [t.value for t in at.title] == ["Sign in"]
    assert "without a signed-in identity" in at.error[0].value
    assert not at.table and not at.get("vega_lite_chart") and not at.button


# ---------------------------------------------------------------------------------------------
# local mode
# ---------------------------------------------------------------------------------------------


def test_local_mode_has_every_page_and_says_so_in_a_banner(
    app_as: Any, menus: list[list[str]], seeded_url: str
) -> None:
    at = app_as({}, mode="local").run()

    assert not at.exception
    assert menus[-1] == menu_for("admin")
    assert app_auth.LOCAL_BANNER in [i.value for i in at.info]
    assert "Local mode" in texts(at)
    # nobody signs in, so there is no sign-in to record and no sign-out button
    assert events(seeded_url) == []
    assert not at.sidebar.button
