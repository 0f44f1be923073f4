"""Failures an operator can act on: an exception turned into one short paragraph saying what
failed, the likely cause and the command or setting that fixes it, with every password masked.

The command line prints the paragraph and exits with status 2 (the traceback only under
`--debug`); the dashboard shows it to admins on a calm page (`dashboard/unavailable.py`).
Anything not recognised here is left alone (`classify` returns None), so a fault in the
software is never dressed up as a setting to change.
"""

from __future__ import annotations

import errno
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

EXIT_STATUS = 2
MASK = "***"

# scheme://user:password@host -> scheme://user:***@host, in any text
_URL_PASSWORD = re.compile(r"(\b[a-zA-Z][\w+.-]*://[^\s:/@]*:)([^\s@]*)@")
# libpq key=value strings and "password: ..." wherever a driver or a setting prints them
_KEY_PASSWORD = re.compile(r"(?i)\b(password|passwd|pwd)(\s*[=:]\s*)('[^']*'|\"[^\"]*\"|\S+)")


def mask(text: str) -> str:
    """The text with every password in a URL or a key=value pair replaced by ***."""
    text = _URL_PASSWORD.sub(lambda m: f"{m.group(1)}{MASK}@", text)
    return _KEY_PASSWORD.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)


def mask_url(url: str) -> str:
    """A database URL fit to print: its password (if any) as ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy can parse: mask it as text
        return mask(url)


class MaskingFilter(logging.Filter):
    """Masks passwords in every log record that passes through a handler it is added to."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[1] is not None:
            # the traceback's text is formatted later from the exception: format it now, masked
            record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def mask_logs(logger: logging.Logger | None = None) -> None:
    """Mask passwords in everything the logger's handlers (default: the root's) write."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())


class MissingSecret(RuntimeError):
    """A setting the configured mode cannot run without (e.g. oidc mode's client secret)."""

    def __init__(self, name: str, why: str, fix: str) -> None:
        super().__init__(f"{name} is not set: {why}")
        self.name, self.why, self.fix = name, why, fix


@dataclass(frozen=True)
class OperatorError:
    """What failed, why it probably did, and what fixes it: one paragraph for an operator."""

    kind: str
    what: str
    cause: str
    fix: str
    detail: str = ""  # the first line of what the database or library said, masked

    def paragraph(self) -> str:
        text = f"{self.what} {self.cause} To fix it: {self.fix}"
        if self.detail:
            text += f" (It said: {self.detail})"
        return mask(text)


# ---------------------------------------------------------------------------------------------
# Recognising a failure
# ---------------------------------------------------------------------------------------------


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and every exception it was raised from or while handling."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _driver_message(exc: BaseException) -> str:
    """What the database driver said, without SQLAlchemy's SQL and background link."""
    original = getattr(exc, "orig", None)
    text = str(original if original is not None else exc)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return mask(lines[0])[:300] if lines else ""


def _sqlstate(exc: BaseException) -> str | None:
    original = getattr(exc, "orig", exc)
    return getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)


@dataclass(frozen=True)
class _Where:
    """The database a failure happened on, described for the operator."""

    url: str

    @property
    def dialect(self) -> str:
        try:
            return make_url(self.url).get_backend_name()
        except Exception:
            return ""

    @property
    def shown(self) -> str:
        return mask_url(self.url)

    @property
    def sqlite_path(self) -> Path | None:
        if self.dialect != "sqlite":
            return None
        database = make_url(self.url).database
        return Path(database) if database and database != ":memory:" else None

    def part(self, name: str) -> str:
        value = getattr(make_url(self.url), name, None)
        return str(value) if value is not None else ""


def _database_failure(exc: BaseException, where: _Where, said: str) -> OperatorError | None:
    text = said.lower()
    state = _sqlstate(exc) or ""
    shown = where.shown
    name, user = where.part("database"), where.part("username")
    host, port = where.part("host") or "localhost", where.part("port") or "5432"
    if state == "3D000" or re.search(r'database ".*" does not exist', text):
        return OperatorError(
            "database_missing",
            f"The database {name!r} does not exist on the server ({shown}).",
            "It has not been created yet, or MEASURES_DATABASE_URL names the wrong one.",
            f"create it (`sudo -u postgres createdb --owner {user or 'measures'} {name}`) or "
            "correct the name in MEASURES_DATABASE_URL; the dashboard then creates its tables.",
            said,
        )
    if (
        state in {"28P01", "28000"}
        or "password authentication failed" in text
        or ("no password supplied" in text)
    ):
        return OperatorError(
            "wrong_password",
            f"The database server refused the user {user!r} ({shown}).",
            "The password (or user name) in MEASURES_DATABASE_URL is not the one the server "
            "holds, or the user does not exist.",
            "put the right password in MEASURES_DATABASE_URL (characters such as @ : / # in it "
            "must be percent-encoded, e.g. @ as %40), or set a new one on the server: "
            f"`sudo -u postgres psql -c \"ALTER ROLE {user or 'measures'} PASSWORD '...'\"`.",
            said,
        )
    unreachable = (
        "connection refused",
        "could not connect",
        "connection timeout",
        "timeout expired",
        "could not translate host name",
        "name or service not known",
        "no route to host",
        "network is unreachable",
        "server closed the connection unexpectedly",
        "the database system is starting up",
        "the database system is shutting down",
    )
    if where.dialect == "postgresql" and any(u in text for u in unreachable):
        return OperatorError(
            "database_unreachable",
            f"The database server at {host}:{port} could not be reached ({shown}).",
            "PostgreSQL is not running there, the host or port in MEASURES_DATABASE_URL is "
            "wrong, or a firewall blocks this server.",
            f"start PostgreSQL (`sudo systemctl start postgresql`), check with "
            f"`pg_isready -h {host} -p {port}`, and correct MEASURES_DATABASE_URL if needed.",
            said,
        )
    if (
        "no such table" in text
        or state == "42P01"
        or re.search(r'relation ".*" does not exist', text)
    ):
        return OperatorError(
            "not_migrated",
            f"The database ({shown}) has not been set up for this version of the dashboard.",
            "Its tables have not been created or brought up to date (the migrations have not run).",
            "run `python -m metrics batches` once with the same MEASURES_DATABASE_URL (it applies "
            "the migrations), as a database user allowed to create tables.",
            said,
        )
    if (
        "readonly database" in text
        or "read-only" in text
        or state in {"25006", "42501"}
        or "permission denied" in text
    ):
        path = where.sqlite_path
        if path is not None:
            fix = (
                f"make {path} and its folder {path.parent} writable by the account that runs the "
                f"dashboard (`ls -l {path}`, then `chown` or `chmod`), or point "
                "MEASURES_DATABASE_URL at a writable copy."
            )
        else:
            fix = (
                f"grant the user {user!r} the rights on its own database "
                f"(`sudo -u postgres psql -c 'ALTER DATABASE {name} OWNER TO {user}'`), or "
                "connect to the primary server rather than a read-only replica."
            )
        return OperatorError(
            "read_only",
            f"The database ({shown}) could not be written to.",
            "It is read-only to this user: the file or its folder is not writable, or the "
            "server does not allow this user to change it.",
            fix,
            said,
        )
    if (
        "database or disk is full" in text
        or "no space left on device" in text
        or (state == "53100")
    ):
        return _disk_full(where, said)
    if where.dialect == "sqlite" and "unable to open database file" in text:
        path = where.sqlite_path
        return OperatorError(
            "database_missing",
            f"The SQLite database file {path} could not be opened.",
            "Its folder does not exist or cannot be read by the account that runs the dashboard.",
            f"create the folder {path.parent if path else ''} and make it writable by that "
            "account, or correct the path in MEASURES_DATABASE_URL.",
            said,
        )
    return None


def _disk_full(where: _Where, said: str) -> OperatorError:
    path = where.sqlite_path
    place = str(path.parent) if path is not None else "the database server"
    return OperatorError(
        "disk_full",
        f"The database ({where.shown}) could not store the change: the disk is full.",
        f"There is no free space left on the disk holding {place}.",
        f"free some space (old backups, logs; `df -h {path.parent if path else '/'}` shows it) "
        "or move the database to a larger disk, then try again. Nothing was stored.",
        said,
    )


_NEWER = re.compile(r"Can't locate revision identified by '([^']+)'")


def classify(exc: BaseException, database_url: str | None = None) -> OperatorError | None:
    """The operator's paragraph for a failure they can fix, or None for anything else."""
    from metrics import registry  # here: registry imports much that this module does not need

    where = _Where(database_url or "")
    for item in _chain(exc):
        if isinstance(item, OperatorFailure):
            return item.error
        if isinstance(item, MissingSecret):
            return OperatorError(
                "secret_missing",
                f"A required setting is missing: {item.name}.",
                item.why,
                item.fix,
            )
        if isinstance(item, registry.RegistryError):
            first = "; ".join(str(p) for p in item.problems[:3])
            more = len(item.problems) - 3
            return OperatorError(
                "registry_invalid",
                f"The indicator registry ({registry.REGISTRY_PATH.name}) has "
                f"{len(item.problems)} problem(s), so nothing can be shown or computed.",
                f"It was edited and is no longer valid: {first}"
                + (f"; and {more} more." if more > 0 else "."),
                "run `python -m metrics check` to list every problem with where it is, correct "
                "the file, and run the check again until it says the registry is sound.",
            )
        match = _NEWER.search(str(item))
        if match:
            return OperatorError(
                "migrated_by_newer",
                f"The database ({where.shown}) was upgraded by a newer version of the dashboard "
                f"(its schema revision {match.group(1)!r} is unknown to this version).",
                "This copy of the dashboard is older than the one that last used the database.",
                "install the newer version (the same one every app process and the command line "
                "use), or restore a backup made before the upgrade. Nothing was changed.",
            )
        if isinstance(item, sa.exc.DBAPIError | sa.exc.OperationalError) or type(
            item
        ).__module__.startswith(("psycopg", "sqlite3")):
            found = _database_failure(item, where, _driver_message(item))
            if found is not None:
                return found
        if isinstance(item, OSError) and item.errno == errno.ENOSPC:
            return _disk_full(where, mask(str(item)))
        if isinstance(item, PermissionError) and where.sqlite_path is not None:
            return _database_failure(item, where, "permission denied: " + mask(str(item)))
    return None


class OperatorFailure(RuntimeError):
    """Raised with a ready paragraph (e.g. by `import-db` refusing an archive)."""

    def __init__(self, error: OperatorError) -> None:
        super().__init__(error.paragraph())
        self.error = error
