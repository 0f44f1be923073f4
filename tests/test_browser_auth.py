"""Real sign-in in a real browser: the app (`streamlit run dashboard/serve.py`, as deployed) in
`oidc` mode against a local OpenID Connect provider on 127.0.0.1 (oidc-provider-mock), and in
`header` mode with the headers an authenticating proxy would set (Playwright's extra headers).

- A viewer signs in and cannot reach the upload page, not even by its address.
- An officer signs in, uploads a file and signs out.
- An admin's audit log (its CSV download) shows both.
- Behind the gateway, the headers decide the role, and a request without them gets no data.

Chromium comes from the system (/usr/bin/chromium); no browser is ever downloaded.
"""

from __future__ import annotations

import csv
import io
import json
import os
import secrets
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from app_support import seeded_template_fixture, sqlite_url  # noqa: F401 (fixture, short name)
from browser_support import (  # noqa: F401
    MAIN,
    VIEWPORT,
    WAIT,
    browser_fixture,
    demo_copy,
    free_port,
    open_page,
    served,
    settled,
    streamlit_run,
)
from conftest import missing
from test_browser_upload import FIXED, choose_counted_values, upload

from dashboard import auth as app_auth
from metrics import api, audit

pytestmark = [
    pytest.mark.browser,
    # the provider answers in this process, on Authlib APIs that Authlib has deprecated
    pytest.mark.filterwarnings("ignore::DeprecationWarning:authlib.*"),
]

# People known to the identity provider, with the app roles Entra ID would put in their token.
PEOPLE = {
    "viewer": {"email": "val@council.example", "name": "Val Viewer", "roles": ["viewer"]},
    "officer": {"email": "ola@council.example", "name": "Ola Officer", "roles": ["officer"]},
    "admin": {"email": "ada@council.example", "name": "Ada Admin", "roles": ["admin"]},
}
# oauth2-proxy's header names, mapped into st.user as deploy/streamlit-production.toml does
TRUSTED_HEADERS = {"X-Forwarded-Email": "email", "X-Forwarded-Groups": "groups"}
GATEWAY_ROLES = {"Measures.Viewer": "viewer", "Measures.Officer": "officer"}


@pytest.fixture(scope="module")
def identity_provider() -> Iterator[str]:
    """A local OpenID Connect provider on 127.0.0.1 that knows the three people above."""
    try:
        # The provider runs in this process, on Authlib APIs that Authlib has deprecated.
        # Authlib turns its own warnings on when first imported, so import it before muting.
        import authlib.deprecate

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import authlib.integrations.httpx_client  # noqa: F401
            import oidc_provider_mock
            import werkzeug.serving
    except ImportError:
        missing("oidc-provider-mock is not installed")
    # the provider refuses plain HTTP unless told this is a test
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    users = [oidc_provider_mock.User(sub=role, claims=c) for role, c in PEOPLE.items()]
    server = werkzeug.serving.make_server(
        "127.0.0.1", 0, oidc_provider_mock.app(user_claims=users), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)


@pytest.fixture(scope="module")
def oidc_app(
    identity_provider: str, seeded_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """The dashboard in oidc mode, its [auth] secrets pointing at the local provider."""
    database = demo_copy(seeded_template, tmp_path_factory, "browser-oidc")
    folder = database.parent
    port = free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "measures-dashboard"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{identity_provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    env = {"MEASURES_AUTH_MODE": "oidc", "AUTHLIB_INSECURE_TRANSPORT": "1"}
    # the redirect URI names the port, so it is chosen before the server starts
    # `python -m dashboard.serve` takes no secrets file, so the app starts as deployed with
    # `streamlit run dashboard/serve.py`
    command = streamlit_run("--secrets.files", str(secrets_file))
    with served(database, env, command, port=port) as base:
        yield base, database


def _sign_in(browser: Any, base: str, provider: str, who: str) -> Any:
    """A fresh browser context, signed in through the provider as one of PEOPLE."""
    page = browser.new_context(viewport=VIEWPORT).new_page()
    open_page(page, base)
    page.get_by_role("button", name=app_auth.SIGN_IN_LABEL).click()
    page.wait_for_url(f"{provider}/**", timeout=WAIT)
    # the provider's page: one button per known person
    page.get_by_role("button", name=who, exact=True).click()
    page.wait_for_url(f"{base}/**", timeout=WAIT)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=WAIT)
    settled(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text(f"Signed in as {PEOPLE[who]['email']}").wait_for(timeout=WAIT)
    return page


def _refused(page: Any, address: str, words: str) -> str:
    """Open an address that refuses this person; the refusal is all the page shows."""
    page.goto(address)
    page.get_by_text(words).wait_for(timeout=WAIT)
    settled(page)
    return page.inner_text(MAIN)


def _menu(page: Any) -> list[str]:
    return page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()


def test_a_viewer_signs_in_and_cannot_reach_the_upload_page_even_by_its_address(
    browser: Any, oidc_app: tuple[str, Path], identity_provider: str
) -> None:
    base, _ = oidc_app
    page = _sign_in(browser, base, identity_provider, "viewer")

    assert page.get_by_role("heading", name="Overview", level=1).count() == 1
    menu = " ".join(_menu(page))
    assert "Priority 1" in menu and "About" in menu
    assert "Upload data" not in menu and "Audit log" not in menu

    main = _refused(page, f"{base}/upload", "Uploading data is only for an officer or an admin")
    assert "you are using the dashboard as a viewer" in main
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    assert page.get_by_role("heading", name="Upload data").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0


def test_an_officer_signs_in_uploads_and_signs_out_and_the_audit_shows_it_all(
    browser: Any, oidc_app: tuple[str, Path], identity_provider: str
) -> None:
    base, database = oidc_app
    viewer = _sign_in(browser, base, identity_provider, "viewer")
    _refused(viewer, f"{base}/upload", "Uploading data is only for")  # and recorded

    page = _sign_in(browser, base, identity_provider, "officer")
    assert "Upload data" in " ".join(_menu(page))
    open_page(page, f"{base}/upload")
    choose_counted_values(page)
    upload(page, "advocacy.csv", FIXED)
    page.get_by_role("button", name="Store “advocacy.csv”").click()
    page.get_by_text("as batch").first.wait_for(timeout=WAIT)
    settled(page)

    page.get_by_role("button", name=app_auth.SIGN_OUT_LABEL).click()
    # the provider ends its session too, then sends the browser back to the dashboard
    page.wait_for_url(f"{identity_provider}/**", timeout=WAIT)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{base}/**", timeout=WAIT)
    page.get_by_role("button", name=app_auth.SIGN_IN_LABEL).wait_for(timeout=WAIT)
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0

    # an admin downloads the audit log
    admin = _sign_in(browser, base, identity_provider, "admin")
    open_page(admin, f"{base}/audit-log")
    with admin.expect_download() as download:
        admin.get_by_role("button", name="events as a CSV file").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = [(r["Who"], r["What"]) for r in csv.DictReader(io.StringIO(text))]
    viewer_email, officer_email = PEOPLE["viewer"]["email"], PEOPLE["officer"]["email"]
    assert (viewer_email, "→ Signed in") in rows
    assert (viewer_email, "⛔ Refused") in rows
    # newest first: the officer signed in, stored the upload, then signed out
    officer_rows = [what for who, what in rows if who == officer_email]
    assert officer_rows == ["← Signed out", "⬆ Upload stored", "→ Signed in"]
    # and the database holds the same, with the upload's batch and roles
    events = audit.events(api.engine(sqlite_url(database)))
    stored = events.filter(events["action"] == audit.UPLOAD).row(0, named=True)
    assert (stored["who"], stored["role"]) == (officer_email, "officer")


@pytest.fixture(scope="module")
def gateway_app(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard in header mode, trusting the headers the gateway sets."""
    database = demo_copy(seeded_template, tmp_path_factory, "browser-header")
    env = {
        "MEASURES_AUTH_MODE": "header",
        "MEASURES_ROLE_CLAIM": "groups",
        "MEASURES_ROLE_MAP": json.dumps(GATEWAY_ROLES),
    }
    headers = json.dumps(TRUSTED_HEADERS)
    command = streamlit_run("--server.trustedUserHeaders", headers)
    with served(database, env, command) as base:
        yield base


def test_behind_the_gateway_its_headers_decide_who_and_what(browser: Any, gateway_app: str) -> None:
    context = browser.new_context(
        viewport=VIEWPORT,
        extra_http_headers={
            "X-Forwarded-Email": "ola@council.example",
            "X-Forwarded-Groups": "All.Staff,Measures.Officer",
        },
    )
    page = context.new_page()
    open_page(page, gateway_app)

    assert page.get_by_role("heading", name="Overview", level=1).count() == 1
    assert "Upload data" in " ".join(_menu(page))
    sidebar = page.inner_text('[data-testid="stSidebar"]')
    assert "Signed in as ola@council.example, an officer." in sidebar


def test_a_request_without_the_gateways_headers_gets_no_data(
    browser: Any, gateway_app: str
) -> None:
    page = browser.new_context(viewport=VIEWPORT).new_page()
    open_page(page, gateway_app)

    main = page.inner_text(MAIN)
    assert "without a signed-in identity" in main
    assert page.get_by_role("heading", name="Sign in", level=1).count() == 1
    # no menu, no measures, no charts, no tables
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    assert "Measures of success by priority" not in main
    assert page.locator('[data-testid="stVegaLiteChart"], [data-testid="stTable"]').count() == 0
