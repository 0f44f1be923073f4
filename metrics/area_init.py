"""A starter registry for any English local authority, from the official files shipped with the
project (`python -m metrics init-area`).

The authority's names and codes, its region and the other authorities of that region (the
starter comparison group) come from the DfE's EHC plans caseload file, which lists every
authority; the statutory measures come from `area_starter.toml`, with the ids every area uses.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

import polars as pl

from metrics import registry as registry_module
from metrics.settings import PROJECT_ROOT

STARTER = Path(__file__).with_name("area_starter.toml")
# Every authority, region and code, as the DfE published them (seed_data/official/PROVENANCE.md).
AUTHORITIES_FILE = PROJECT_ROOT / "seed_data" / "official" / "ees-ehc-plans-2025" / "caseload.csv"


@dataclass(frozen=True)
class Authority:
    name: str
    new_la_code: str  # E06..., E08..., E09..., E10...
    old_la_code: str  # three digits
    region_code: str  # E12...
    region_name: str


class UnknownAuthority(ValueError):
    """The code names no authority in the official files; the message says what to do."""


def authorities(path: Path = AUTHORITIES_FILE) -> list[Authority]:
    """Every local authority in the latest year of the caseload file, A to Z."""
    frame = (
        pl.scan_csv(path, infer_schema=False, encoding="utf8-lossy")
        .filter(pl.col("geographic_level") == "Local authority")
        .filter(pl.col("time_period") == pl.col("time_period").max())
        .select("la_name", "new_la_code", "old_la_code", "region_code", "region_name")
        .unique()
        .sort("la_name")
        .collect()
    )
    return [Authority(*row) for row in frame.iter_rows()]


def find(code: str, every: list[Authority] | None = None) -> Authority:
    """The authority with this code: the new ONS code (E09000001) or the old three-digit one
    (201), in any case and with spaces around it."""
    wanted = code.strip().upper()
    every = every if every is not None else authorities()
    for la in every:
        if wanted in (la.new_la_code.upper(), la.old_la_code):
            return la
    if not re.fullmatch(r"E\d{8}|\d{3}", wanted):
        raise UnknownAuthority(
            f"'{code}' is not a local authority code: give the new code (E06…, E08…, E09… or "
            "E10…, nine characters) or the old three-digit code, as in the DfE's statistics."
        )
    raise UnknownAuthority(
        f"No local authority has the code '{code}' in the DfE's EHC plans statistics shipped "
        "with the dashboard. Check the code (for example on the DfE's 'Get Information about "
        "Schools' service); an authority created after those statistics is not in them yet."
    )


def _toml_text(value: str) -> str:
    """A value to put between TOML's double quotes."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


def starter_text(
    la: Authority, every: list[Authority], *, registry_file: str, today: dt.date
) -> str:
    """The starter registry for an authority, as TOML text."""
    neighbours = [a for a in every if a.region_code == la.region_code and a != la]
    members = "\n".join(
        f'    {{ name = "{_toml_text(a.name)}", new_la_code = "{a.new_la_code}", '
        f'old_la_code = "{a.old_la_code}" }},'
        for a in neighbours
    )
    return Template(STARTER.read_text(encoding="utf-8")).substitute(
        name=_toml_text(la.name),
        la_code=la.old_la_code,
        new_la_code=la.new_la_code,
        region_code=la.region_code,
        region_name=_toml_text(la.region_name),
        members=members,
        registry_file=registry_file,
        today=today.isoformat(),
    )


def write_starter(code: str, out: Path, *, today: dt.date, overwrite: bool = False) -> Authority:
    """Write the starter registry for the authority with this code to `out` and check it.

    Refuses to replace an existing file unless `overwrite`: it may be an area's own registry.
    """
    if out.exists() and not overwrite:
        raise FileExistsError(
            f"{out} already exists and may be your registry: choose another --out, or add "
            "--force to replace it."
        )
    every = authorities()
    la = find(code, every)
    text = starter_text(la, every, registry_file=str(out), today=today)
    registry_module.load_text(text)  # the starter must pass `check`: raises RegistryError if not
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return la
