"""The glossary: the strategy's section 8 word for word, and every acronym the screens use."""

from __future__ import annotations

import re
from typing import Any

import pytest
from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    REFERENCE,
    app_on_fixture,
    empty_url_fixture,
    open_page,
    texts,
)

from metrics import glossary

STRATEGY = next((REFERENCE.parent / "strategy").glob("*.txt"))


def _flat(text: str) -> str:
    """Words separated by single spaces, as the PDF's line breaks are not the text's."""
    return re.sub(r"\s+", " ", text).strip()


def _glossary_section() -> str:
    text = STRATEGY.read_text(encoding="utf-8")
    start = text.rindex("8. Glossary")  # the heading itself, not the contents page
    section = text[start : text.index("Appendix A", start)]
    # footnote markers follow a full stop directly ("...suitable education.28")
    return _flat(re.sub(r"(?<=\.)\d+\b", "", section))


def test_the_strategy_glossary_is_copied_word_for_word() -> None:
    section = _glossary_section()
    from_strategy = [t for t in glossary.terms() if t.source == "strategy"]

    # Section 8 of the strategy has 18 entries, from "Alternative provision" to "SENDCO".
    assert len(from_strategy) == 18
    for term in from_strategy:
        assert _flat(term.definition) in section, term.term


# The acronyms the dashboard's screens and registry text use.
SCREEN_ACRONYMS = ["EHC", "SEN", "SEND", "SEN2", "SENDCO", "AP", "CPCF", "NEL", "ICB", "IAG",
                   "SPC", "DfE", "NHS", "ASD", "LA", "CYP"]  # fmt: skip


@pytest.mark.parametrize("acronym", SCREEN_ACRONYMS)
def test_every_acronym_on_screen_is_explained(acronym: str) -> None:
    term = glossary.lookup(acronym)

    assert term.definition.strip()
    assert glossary.spell_out(acronym).endswith(f"({acronym})")


def test_an_unknown_acronym_is_reported() -> None:
    with pytest.raises(KeyError, match="XYZ"):
        glossary.lookup("XYZ")


def test_the_about_page_shows_the_whole_glossary(app_on: Any, empty_url: str) -> None:
    at = open_page(app_on(empty_url), "about")

    page = texts(at)
    for term in glossary.terms():
        assert f"**{term.heading}**: {term.definition}" in page
