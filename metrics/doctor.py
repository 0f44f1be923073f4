"""`python -m metrics doctor`: is this deployment healthy? One line per check: OK, WARN or FAIL.

Each check is a small function taking the `Context` and returning (status, message), in the
list `CHECKS`; a new check is one more entry. Nothing here changes anything: the database is
not migrated, created or written to. Streamlit's own settings are read from its TOML files
and environment, since `metrics` never imports Streamlit.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from metrics import auth, official_sources, operator_errors, pseudonym, registry
from metrics.db import archive, store
from metrics.settings import PROJECT_ROOT, Settings

OK, WARN, FAIL = "OK", "WARN", "FAIL"
Result = tuple[str, str]
# Free space where the database (or, for PostgreSQL, the app's own files) lives.
DISK_FAIL_BYTES = 200 * 1024**2
DISK_WARN_BYTES = 2 * 1024**3
# How long after its expected date a release may be missing before we warn.
RELEASE_GRACE = dt.timedelta(days=60)
OFFICIAL_DATASET = "official_values"


@dataclass
class Context:
    """What the checks look at: the settings, the database and the day."""

    settings: Settings
    today: dt.date
    project_root: Path = PROJECT_ROOT
    home: Path = field(default_factory=Path.home)
    cwd: Path = field(default_factory=Path.cwd)

    @property
    def database_url(self) -> str:
        return self.settings.database_url

    @property
    def sqlite_path(self) -> Path | None:
        url = make_url(self.database_url)
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        return Path(url.database)

    @cached_property
    def engine(self) -> Engine:
        """The database's engine, without creating or migrating anything."""
        return store.engine_for(self.database_url)

    def streamlit_option(self, section: str, name: str) -> Any:
        """A Streamlit config option as its TOML files and environment set it (last wins)."""
        value = None
        for folder in (self.home, self.project_root, self.project_root / "dashboard", self.cwd):
            path = folder / ".streamlit" / "config.toml"
            if path.is_file():
                data = tomllib.loads(path.read_text(encoding="utf-8"))
                value = data.get(section, {}).get(name, value)
        env = "STREAMLIT_" + re.sub(r"([A-Z])", r"_\1", f"{section}_{name}").upper()
        return os.environ.get(env, value)

    def secrets(self) -> tuple[Path | None, dict[str, Any]]:
        """The secrets.toml Streamlit would read (the first found) and its contents."""
        for folder in (self.cwd, self.project_root, self.project_root / "dashboard", self.home):
            path = folder / ".streamlit" / "secrets.toml"
            if path.is_file():
                return path, tomllib.loads(path.read_text(encoding="utf-8"))
        return None, {}


def _failure(err: Exception, ctx: Context) -> str:
    found = operator_errors.classify(err, ctx.database_url)
    if found is not None:
        return found.paragraph()
    return operator_errors.mask(
        f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
    )


# ---------------------------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------------------------


def check_database(ctx: Context) -> Result:
    """Reachable, and migrated to this version."""
    shown = operator_errors.mask_url(ctx.database_url)
    path = ctx.sqlite_path
    if path is not None and not path.is_file():
        return FAIL, (
            f"there is no database file at {path}. Create it with `python -m metrics seed` "
            "(demo data) or `python -m metrics batches` (empty), or correct MEASURES_DATABASE_URL."
        )
    try:
        with ctx.engine.connect() as conn:
            revision = archive.current_revision(conn)
    except Exception as err:
        return FAIL, _failure(err, ctx)
    head = archive.head_revision()
    if revision is None:
        return FAIL, (
            f"{shown} is reachable but has no tables: run `python -m metrics batches` once "
            "(it applies the migrations)."
        )
    if revision == head:
        return OK, f"{shown} is reachable and migrated to this version (schema {head})."
    if revision in archive.known_revisions():
        return WARN, (
            f"{shown} is at schema {revision}, older than this version's {head}: run "
            "`python -m metrics batches` once, before starting the app processes."
        )
    return FAIL, (
        f"{shown} was migrated by a newer version of the dashboard (schema {revision!r}, "
        f"this version knows up to {head!r}): install that version, or restore a backup made "
        "before the upgrade."
    )


def check_registry(ctx: Context) -> Result:
    problems = registry.problems_in()
    if not problems:
        count = len(registry.load().indicators)
        return OK, f"the indicator registry is sound ({count} indicators)."
    return FAIL, (
        f"the indicator registry has {len(problems)} problem(s), e.g. {problems[0]}. "
        "`python -m metrics check` lists them all."
    )


def check_sign_in(ctx: Context) -> Result:
    """The sign-in mode's own settings."""
    mode = ctx.settings.auth_mode
    if mode == "local":
        address = ctx.streamlit_option("server", "address")
        if address and not auth.is_loopback(str(address)):
            if ctx.settings.local_allow_remote:
                return WARN, (
                    f"local mode (every role, no sign-in) is set to listen on {address} with "
                    "MEASURES_LOCAL_ALLOW_REMOTE=true: anyone who can reach it is an admin. "
                    "Use oidc or header mode on a shared server."
                )
            return FAIL, (
                f"local mode is set to listen on {address}, which other computers can reach: "
                "the app will refuse to start. Use 127.0.0.1, or a sign-in mode "
                "(MEASURES_AUTH_MODE=oidc or header)."
            )
        return OK, "local mode, for one person on this computer, bound to a loopback address."
    if mode == "oidc":
        path, secrets = ctx.secrets()
        if path is None:
            return FAIL, (
                "oidc mode needs .streamlit/secrets.toml with an [auth] section (copy "
                "deploy/secrets.example.toml and fill it in); none was found."
            )
        missing = auth.oidc_secret_problems(secrets.get("auth"), ctx.settings.oidc_provider)
        if missing:
            return FAIL, f"oidc mode: {path} lacks {', '.join(missing)}."
        return OK, f"oidc mode: the sign-in secrets are set in {path}."
    headers = ctx.streamlit_option("server", "trustedUserHeaders") or {}
    if isinstance(headers, str):  # from the environment: a TOML inline table
        headers = tomllib.loads(f"h = {headers}").get("h", {})
    problems = []
    if not headers:
        problems.append(
            "server.trustedUserHeaders is not set, so nobody can be signed in (see README, "
            "'Behind an authenticating proxy')"
        )
    elif ctx.settings.role_claim not in headers.values():
        problems.append(
            f"MEASURES_ROLE_CLAIM ({ctx.settings.role_claim!r}) is not one of the keys "
            f"server.trustedUserHeaders sets ({', '.join(map(str, headers.values()))}), so "
            "nobody gets a role"
        )
    bad = auth.trusted_proxy_problems(ctx.settings)
    if bad:
        problems.append(f"MEASURES_TRUSTED_PROXIES has entries that are not addresses: {bad}")
    if problems:
        return FAIL, "header mode: " + "; ".join(problems) + "."
    return OK, (
        f"header mode: identity from {', '.join(headers)}, believed only from "
        f"{ctx.settings.trusted_proxies}."
    )


def check_official_data(ctx: Context) -> Result:
    """How old the official statistics are, against the next release expected."""
    if ctx.sqlite_path is not None and not ctx.sqlite_path.is_file():
        return FAIL, "there is no database to read them from (see the database line)."
    try:
        with ctx.engine.connect() as conn:
            batches = store.read_batches(conn)
    except Exception:
        return FAIL, "cannot be read, since the database cannot (see the database line)."
    official = batches.filter(
        (pl.col("dataset") == OFFICIAL_DATASET) & (pl.col("status") != "rolled_back")
    )
    if official.height == 0:
        return WARN, (
            "no official statistics are stored, so no England or regional comparators are "
            "shown: import the DfE files with `python -m metrics import-official FILE`."
        )
    last = official.get_column("uploaded_at").max()
    assert isinstance(last, dt.datetime)
    names = sorted(set(official.get_column("file_name").to_list()))
    files = ", ".join(names)
    # when each file's next release is due: seed_data/official/sources.toml
    shipped = [s for s in official_sources.catalogue().files if s.name in names]
    said = f"official statistics imported {last.date():%d/%m/%Y} ({files})"
    if not shipped:
        return OK, f"{said}; no release date was found to compare them with."
    first = min(shipped, key=lambda s: s.next_release_due)
    expected = first.next_release_due
    if ctx.today > expected + RELEASE_GRACE:
        return WARN, (
            f"{said}, from the release of {first.published}; the next release was expected "
            f"around {expected:%B %Y}: download it and import it with "
            "`python -m metrics import-official FILE|FOLDER|URL` "
            "(`python -m metrics official-sources` says where it is published)."
        )
    return OK, f"{said}; the next release is expected around {expected:%B %Y}."


def check_free_disk(ctx: Context) -> Result:
    path = ctx.sqlite_path
    folder = path.parent if path is not None else ctx.project_root
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    words = f"{free / 1024**3:,.1f} GB free on the disk holding {folder}"
    if free < DISK_FAIL_BYTES:
        return FAIL, f"only {words}: uploads will fail. Free some space or move the database."
    if free < DISK_WARN_BYTES:
        return WARN, f"{words}: free some space soon."
    return OK, words + "."


def check_pseudonym_key(ctx: Context) -> Result:
    """Set, and the same key the SEN2 returns already stored were imported with."""
    if ctx.sqlite_path is not None and not ctx.sqlite_path.is_file():
        return FAIL, "cannot be compared, since there is no database (see the database line)."
    try:
        return pseudonym.key_check(ctx.engine, ctx.settings.pseudonym_key.get_secret_value())
    except Exception:
        return FAIL, "cannot be compared, since the database cannot be read (see its line)."


CHECKS: list[tuple[str, Callable[[Context], Result]]] = [
    ("database", check_database),
    ("registry", check_registry),
    ("sign-in", check_sign_in),
    ("pseudonym key", check_pseudonym_key),
    ("official data", check_official_data),
    ("free disk", check_free_disk),
]


@dataclass(frozen=True)
class Line:
    check: str
    status: str
    message: str

    def text(self) -> str:
        return f"{self.status:<4}  {self.check}: {self.message}"


def run(ctx: Context) -> list[Line]:
    """Every check, in order; a check that fails unexpectedly is a FAIL, never a crash."""
    lines = []
    for name, check in CHECKS:
        try:
            status, message = check(ctx)
        except Exception as err:
            status, message = FAIL, "could not be checked: " + _failure(err, ctx)
        lines.append(Line(name, status, operator_errors.mask(message)))
    return lines


def exit_status(lines: list[Line]) -> int:
    return 1 if any(line.status == FAIL for line in lines) else 0


# ---------------------------------------------------------------------------------------------
# Readiness, for a load balancer (dashboard/serve.py's /ready)
# ---------------------------------------------------------------------------------------------


def database_ready(url: str) -> bool:
    """Whether the database answers and is at this version's schema (no data is read)."""
    try:
        with store.engine_for(url).connect() as conn:
            conn.execute(sa.text("SELECT 1"))
            return archive.current_revision(conn) == archive.head_revision()
    except Exception:
        return False
