"""The strategy's glossary plus the acronyms the dashboard uses, from `glossary.toml`."""

from __future__ import annotations

import tomllib
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
    # "strategy": section 8 of the strategy, verbatim; "dashboard": added for the screens
    source: Literal["strategy", "dashboard"]

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
def terms() -> tuple[Term, ...]:
    """Every entry, the strategy's first (in its own order), then the dashboard's A to Z."""
    loaded = load()
    strategy = [t for t in loaded if t.source == "strategy"]
    extra = sorted((t for t in loaded if t.source == "dashboard"), key=lambda t: t.term.lower())
    return (*strategy, *extra)


def lookup(acronym: str) -> Term:
    """The entry for an acronym such as 'ICB' (case as written)."""
    for t in terms():
        if t.acronym == acronym:
            return t
    raise KeyError(f"'{acronym}' is not in the glossary")


def spell_out(acronym: str) -> str:
    """The words with the acronym after them, for first use: 'Integrated Care Board (ICB)'."""
    return lookup(acronym).heading
