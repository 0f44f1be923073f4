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
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    ROOT,
    copy_database,
    seeded_template_fixture,
    sqlite_url,
)
from conftest import missing
from test_browser_pages import CHROMIUM_ARGS, PAGE_SECONDS, _free_port, _wait_until_healthy
from test_browser_upload import FIXED, _choose_counted_values, _settled, _upload

from dashboard import auth as app_auth
from metrics import api, audit

pytestmark = [
    pytest.mark.browser,
    # the provider answers in this process, on Authlib APIs that Authlib has deprecated
    pytest.mark.filterwarnings("ignore::DeprecationWarning:authlib.*"),
]

WAIT = PAGE_SECONDS * 1000
# People known to the identity provider, with the app roles Entra ID would put in their token.
PEOPLE = {
    "viewer": {"email": "val@council.example", "name": "Val Viewer", "roles": ["viewer"]},
    "officer": {"email": "ola@council.example", "name": "Ola Officer", "roles": ["officer"]},
    "admin": {"email": "ada@council.example", "name": "Ada Admin", "roles": ["admin"]},
}
# oauth2-proxy's header names, mapped into st.user as deploy/streamlit-production.toml does
TRUSTED_HEADERS = {"X-Forwarded-Email": "email", "X-Forwarded-Groups": "groups"}
GATEWAY_ROLES = {"Measures.Viewer": "viewer", "Measures.Officer": "officer"}


@contextmanager
def served(
    database: Path, env: dict[str, str], *flags: str, port: int | None = None
) -> Iterator[str]:
    """The dashboard as deployed (`streamlit run dashboard/serve.py`) on a loopback port."""
    port = port or _free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard/serve.py",
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false", *flags,
    ]  # fmt: skip
    env = os.environ | {"MEASURES_DATABASE_URL": sqlite_url(database)} | env
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base, server)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


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
    folder = tmp_path_factory.mktemp("browser-oidc")
    database = folder / "measures.sqlite3"
    copy_database(seeded_template, database)
    port = _free_port()
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
    with served(database, env, "--secrets.files", str(secrets_file), port=port) as base:
        yield base, database


@pytest.fixture
def browser(chromium: Path) -> Iterator[Any]:
    """Headless Chromium from the system; each test opens its own contexts (its own cookies)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python is not installed")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _opened(page: Any, address: str) -> None:
    page.goto(address)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=WAIT)
    _settled(page)


def _sign_in(browser: Any, base: str, provider: str, who: str) -> Any:
    """A fresh browser context, signed in through the provider as one of PEOPLE."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _opened(page, base)
    page.get_by_role("button", name=app_auth.SIGN_IN_LABEL).click()
    page.wait_for_url(f"{provider}/**", timeout=WAIT)
    # the provider's page: one button per known person
    page.get_by_role("button", name=who, exact=True).click()
    page.wait_for_url(f"{base}/**", timeout=WAIT)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=WAIT)
    _settled(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text(f"Signed in as {PEOPLE[who]['email']}").wait_for(timeout=WAIT)
    return page


def _refused(page: Any, address: str, words: str) -> str:
    """Open an address that refuses this person; the refusal is all the page shows."""
    page.goto(address)
    page.get_by_text(words).wait_for(timeout=WAIT)
    _settled(page)
    return page.inner_text('[data-testid="stMain"]')


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
    _opened(page, f"{base}/upload")
    _choose_counted_values(page)
    _upload(page, "advocacy.csv", FIXED)
    page.get_by_role("button", name="Store “advocacy.csv”").click()
    page.get_by_text("as batch").first.wait_for(timeout=WAIT)
    _settled(page)

    page.get_by_role("button", name=app_auth.SIGN_OUT_LABEL).click()
    # the provider ends its session too, then sends the browser back to the dashboard
    page.wait_for_url(f"{identity_provider}/**", timeout=WAIT)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{base}/**", timeout=WAIT)
    page.get_by_role("button", name=app_auth.SIGN_IN_LABEL).wait_for(timeout=WAIT)
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0

    # an admin downloads the audit log
    admin = _sign_in(browser, base, identity_provider, "admin")
    _opened(admin, f"{base}/audit-log")
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
    database = tmp_path_factory.mktemp("browser-header") / "measures.sqlite3"
    copy_database(seeded_template, database)
    env = {
        "MEASURES_AUTH_MODE": "header",
        "MEASURES_ROLE_CLAIM": "groups",
        "MEASURES_ROLE_MAP": json.dumps(GATEWAY_ROLES),
    }
    headers = json.dumps(TRUSTED_HEADERS)
    with served(database, env, "--server.trustedUserHeaders", headers) as base:
        yield base


def test_behind_the_gateway_its_headers_decide_who_and_what(browser: Any, gateway_app: str) -> None:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        extra_http_headers={
            "X-Forwarded-Email": "ola@council.example",
            "X-Forwarded-Groups": "All.Staff,Measures.Officer",
        },
    )
    page = context.new_page()
    _opened(page, gateway_app)

    assert page.get_by_role("heading", name="Overview", level=1).count() == 1
    assert "Upload data" in " ".join(_menu(page))
    sidebar = page.inner_text('[data-testid="stSidebar"]')
    assert "Signed in as ola@council.example, an officer." in sidebar


def test_a_request_without_the_gateways_headers_gets_no_data(
    browser: Any, gateway_app: str
) -> None:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _opened(page, gateway_app)

    main = page.inner_text('[data-testid="stMain"]')
    assert "without a signed-in identity" in main
    assert page.get_by_role("heading", name="Sign in", level=1).count() == 1
    # no menu, no measures, no charts, no tables
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    assert "Measures of success by priority" not in main
    assert page.locator('[data-testid="stVegaLiteChart"], [data-testid="stTable"]').count() == 0
