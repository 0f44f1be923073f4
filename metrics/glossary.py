"""The area's strategy glossary (from the registry in force) and the terms the dashboard uses."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

GLOSSARY_PATH = Path(__file__).with_name("glossary.toml")


class Term(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    term: str
    definition: str
    acronym: str | None = None
    # "strategy": the area's own glossary, from its registry; "dashboard": the product's own
    source: Literal["strategy", "dashboard"] = "strategy"

    @property
    def heading(self) -> str:
        """'Integrated Care Board (ICB)', or the term alone when it has no acronym."""
        if self.acronym and self.acronym != self.term:
            return f"{self.term} ({self.acronym})"
        return self.term


class _Glossary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    terms: tuple[Term, ...]


def load(path: Path | None = None) -> tuple[Term, ...]:
    data = tomllib.loads((path or GLOSSARY_PATH).read_text(encoding="utf-8"))
    return _Glossary.model_validate(data).terms


@cache
def dashboard_terms() -> tuple[Term, ...]:
    """The product's own entries, A to Z."""
    return tuple(sorted(load(), key=lambda t: t.term.lower()))


def _key(text: str) -> str:
    return text.casefold().replace("’", "'")


def terms(area_terms: Iterable[Term] = ()) -> tuple[Term, ...]:
    """The area's strategy glossary first (in its own order), then the dashboard's entries A to
    Z, leaving out any the area's glossary already explains (same term or acronym)."""
    own = tuple(area_terms)
    taken = {_key(t.term) for t in own} | {_key(t.acronym) for t in own if t.acronym}
    extra = tuple(
        t
        for t in dashboard_terms()
        if _key(t.term) not in taken and (t.acronym is None or _key(t.acronym) not in taken)
    )
    return (*own, *extra)


def lookup(acronym: str, area_terms: Iterable[Term] = ()) -> Term:
    """The entry for an acronym such as 'ICB' (case as written)."""
    for t in terms(area_terms):
        if t.acronym == acronym:
            return t
    raise KeyError(f"'{acronym}' is not in the glossary")


def spell_out(acronym: str, area_terms: Iterable[Term] = ()) -> str:
    """The words with the acronym after them, for first use: 'Integrated Care Board (ICB)'."""
    return lookup(acronym, area_terms).heading
