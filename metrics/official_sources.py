"""Which official files the registry needs, where each is published, and bringing a newer copy in.

The shipped copies (seed_data/official/, listed in its `sources.toml`) keep the dashboard working
offline. `gather` reads a newer release from wherever an officer has it: the file itself, a
folder, the release's .zip, or an address on the web. Whatever it reads goes through
`official.import_file`: the same validation, batch, audit event and roll back as any upload.
"""

from __future__ import annotations

import datetime as dt
import io
import tomllib
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import polars as pl
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Engine

from metrics import official
from metrics.db import store
from metrics.registry import Registry
from metrics.settings import PROJECT_ROOT

OFFICIAL_DIR = PROJECT_ROOT / "seed_data" / "official"
CATALOGUE = OFFICIAL_DIR / "sources.toml"
# An official CSV is a few megabytes; these limits stop a wrong address or a zip bomb filling
# the disk or memory, not a real release.
MAX_BYTES = 300 * 1024 * 1024
DOWNLOAD_TIMEOUT_SECONDS = 120


class SourceFile(BaseModel):
    """One official file shipped with the project (a row of sources.toml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str  # path under seed_data/official/
    kind: str
    publication: str
    release: str
    published: str
    next_release: str
    next_release_due: dt.date
    page: str
    copied_from: str
    copied_on: dt.date
    sha256: str
    covers: str

    @property
    def name(self) -> str:
        return PurePosixPath(self.file).name


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    licence: str
    licence_url: str
    attribution: str
    files: tuple[SourceFile, ...]


def catalogue(path: Path = CATALOGUE) -> Catalogue:
    return Catalogue.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Need:
    """An official file the registry's comparators name, and what we know of it."""

    file: str
    kind: str
    indicators: tuple[str, ...]
    source: SourceFile | None  # None: a file the registry names that the project does not ship
    stored_on: dt.datetime | None  # when the copy in the database was imported (UTC)


def needed(registry: Registry, engine: Engine | None = None) -> list[Need]:
    """Every official file the registry needs, each once, with where it is published."""
    shipped = {s.name: s for s in catalogue().files}
    by_file: dict[str, tuple[str, list[str]]] = {}
    for ind in registry.indicators:
        for comp in ind.comparators:
            _, ids = by_file.setdefault(comp.file, (comp.kind, []))
            if ind.id not in ids:
                ids.append(ind.id)
    stored = _stored_dates(engine) if engine is not None else {}
    return [
        Need(file, kind, tuple(ids), shipped.get(file), stored.get(file))
        for file, (kind, ids) in sorted(by_file.items())
    ]


def _stored_dates(engine: Engine) -> dict[str, dt.datetime]:
    """For each official file name: when its newest active batch was stored."""
    with engine.connect() as conn:
        batches = store.read_batches(conn)
    current = batches.filter(
        (pl.col("dataset") == official.DATASET) & (pl.col("status") != "rolled_back")
    )
    newest = current.group_by("file_name").agg(pl.col("uploaded_at").max())
    return dict(newest.iter_rows())


class SourceError(ValueError):
    """The source could not be read; the message says what to do."""


@dataclass(frozen=True)
class Gathered:
    """The official files found at a source: (file name, bytes) each, and what was not there."""

    files: list[tuple[str, bytes]]
    missing: list[str]  # files the registry needs that the source did not hold
    where: str


def _is_url(source: str) -> bool:
    return urllib.parse.urlsplit(source).scheme in {"http", "https"}


def _download(url: str) -> tuple[str, bytes]:
    name = PurePosixPath(urllib.parse.urlsplit(url).path).name or "download"
    request = urllib.request.Request(url, headers={"User-Agent": "measures-of-success"})
    try:
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            content = response.read(MAX_BYTES + 1)
            disposition = response.headers.get_filename()
    except urllib.error.HTTPError as err:
        raise SourceError(
            f"The address {url} answered {err.code} ({err.reason}). Check the address on the "
            "publication's page, or download the file and import it from your computer."
        ) from err
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise SourceError(
            f"Could not reach {url} ({reason}). Check the address and the internet connection, "
            "or download the file and import it from your computer."
        ) from err
    if len(content) > MAX_BYTES:
        raise SourceError(f"The file at {url} is larger than {MAX_BYTES // 2**20} MB: not an "
                          "official statistics file this dashboard reads.")  # fmt: skip
    return (disposition or name), content


def _from_zip(content: bytes, wanted: set[str]) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as err:
        raise SourceError("The .zip file is damaged or incomplete: download it again.") from err
    found: dict[str, bytes] = {}
    with archive:
        for info in archive.infolist():
            name = PurePosixPath(info.filename).name
            if info.is_dir() or name not in wanted or name in found:
                continue
            if info.file_size > MAX_BYTES:
                raise SourceError(
                    f"{name} in the .zip file is larger than {MAX_BYTES // 2**20} MB: not a "
                    "file this dashboard reads."
                )
            found[name] = archive.read(info)
    return sorted(found.items())


def gather(source: str, registry: Registry) -> Gathered:
    """The official files at a source: one file (CSV, or a .zip of a release), a folder, or an
    http(s) address of either. From a folder or a .zip, the files the registry's comparators
    name (found at any depth); a single CSV is taken whatever its name."""
    wanted = {n.file for n in needed(registry)}
    if _is_url(source):
        name, content = _download(source)
    else:
        path = Path(source).expanduser()
        if path.is_dir():
            files = [(p.name, p.read_bytes()) for _, p in official.reference_files(registry, path)]
            return _gathered(files, wanted, source)
        if not path.is_file():
            raise SourceError(
                f"There is no file or folder at {source}: give an official file, a folder or a "
                ".zip holding them, or an http(s) address."
            )
        name, content = path.name, path.read_bytes()
    many = name.lower().endswith(".zip") or content.startswith(b"PK\x03\x04")
    if not many:
        return Gathered(files=[(name, content)], missing=[], where=source)
    return _gathered(_from_zip(content, wanted), wanted, source)


def _gathered(files: list[tuple[str, bytes]], wanted: set[str], source: str) -> Gathered:
    if not files:
        raise SourceError(
            f"{source} holds none of the official files the registry names "
            f"({', '.join(sorted(wanted))}). Check it is the right release."
        )
    return Gathered(files=files, missing=sorted(wanted - {n for n, _ in files}), where=source)
