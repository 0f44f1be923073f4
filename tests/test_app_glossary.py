"""The glossary: the strategy's section 8 word for word (held in the shipped registry), and every
acronym the screens use."""

from __future__ import annotations

import re
from typing import Any

import pytest
from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    app_on_fixture,
    empty_url_fixture,
    open_page,
    texts,
)

from metrics import glossary
from metrics.registry import REGISTRY_PATH, load

REGISTRY = load(REGISTRY_PATH)

# Section 8 of the strategy ("Glossary"), its entries in its own order.
STRATEGY_TERMS = [
    "Alternative provision", "Children and Young People’s Plan", "City of London SEND Ranges",
    "City Parent Carer Forum", "City Youth Forum", "Co-design", "Disability",
    "Designated Social Care Officer for SEND", "Education, Health and Care Plan",
    "Integrated Care Board", "Local Offer", "Maintained school",
    "National Health Service North East London", "Parent carer", "Pathways",
    "Special Educational Needs", "Special Educational Needs and Disability",
    "Special Educational Needs and Disabilities Coordinator",
]  # fmt: skip
# Three definitions copied by hand from section 8 (footnote marker "28" left out).
VERBATIM = {
    "Alternative provision": "The Department for Education defines alternative provision as "
    "education arranged by local authorities for pupils who, because of exclusion, illness or "
    "other reasons, would not otherwise receive suitable education.",
    "Maintained school": "Schools that are run by a local authority.",
    "Co-design": "The local authority, Health or Education work together with residents to "
    "influence and shape the design of services or activities.",
}


def _flat(text: str) -> str:
    """Words separated by single spaces, as the PDF's line breaks are not the text's."""
    return re.sub(r"\s+", " ", text).strip()


def test_the_shipped_registry_holds_the_strategy_glossary_word_for_word() -> None:
    assert [t.term for t in REGISTRY.glossary] == STRATEGY_TERMS
    assert all(t.source == "strategy" for t in REGISTRY.glossary)
    by_term = {t.term: t for t in REGISTRY.glossary}
    for term, words in VERBATIM.items():
        assert _flat(by_term[term].definition) == words


def test_the_area_glossary_comes_first_and_takes_the_place_of_the_dashboard_entry() -> None:
    every = glossary.terms(REGISTRY.glossary)

    assert [t.term for t in every[:18]] == STRATEGY_TERMS
    # the dashboard has its own 'Local Offer' and 'ICB' entries, for areas without a glossary;
    # the strategy's own wording replaces them, so each term is explained once
    assert [t.source for t in every if t.term == "Local Offer"] == ["strategy"]
    assert [t.source for t in every if t.acronym == "ICB"] == ["strategy"]
    assert len({t.term for t in every}) == len(every)


def test_an_area_without_a_glossary_still_has_every_acronym_explained() -> None:
    every = glossary.terms(())

    assert every and all(t.source == "dashboard" for t in every)
    for acronym in ["SEND", "SEN", "AP", "EHC", "ICB", "SENDCO", "DfE"]:
        assert glossary.spell_out(acronym).endswith(f"({acronym})")


# The acronyms the dashboard's screens and registry text use.
SCREEN_ACRONYMS = ["EHC", "SEN", "SEND", "SEN2", "SENDCO", "AP", "CPCF", "NEL", "ICB", "IAG",
                   "SPC", "DfE", "NHS", "ASD", "LA", "CYP"]  # fmt: skip


@pytest.mark.parametrize("acronym", SCREEN_ACRONYMS)
def test_every_acronym_on_screen_is_explained(acronym: str) -> None:
    term = glossary.lookup(acronym, REGISTRY.glossary)

    assert term.definition.strip()
    assert glossary.spell_out(acronym, REGISTRY.glossary).endswith(f"({acronym})")


def test_an_unknown_acronym_is_reported() -> None:
    with pytest.raises(KeyError, match="XYZ"):
        glossary.lookup("XYZ")


def test_the_about_page_shows_the_whole_glossary(app_on: Any, empty_url: str) -> None:
    at = open_page(app_on(empty_url), "about")

    page = texts(at)
    for term in glossary.terms(REGISTRY.glossary):
        assert f"**{term.heading}**: {term.definition}" in page
