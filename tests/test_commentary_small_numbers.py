"""Commentary is published, so it may not give a number of people below the disclosure
threshold: "3 children" is refused, "fewer than 5 children" is saved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    app_on_fixture,
    open_page,
    seeded_template_fixture,
    seeded_url_fixture,
    texts,
)
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from dashboard import app_pages
from metrics import api, audit, commentary, free_text
from metrics import settings as settings_mod
from metrics.commentary import CommentaryError
from metrics.db import commentary_store, store

REG = api.registry()
EHC = "ehc_20wk_excl_exceptions"  # reported by calendar year: periods like "2025"
MORNING = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)


def save(engine: Engine, text: str) -> int:
    return commentary.save(engine, EHC, "2025", text, "A. Officer", registry=REG, now=MORNING)


# ---------------------------------------------------------------------------------------------
# Finding small counts of people in free text (threshold 5: counts 1 to 4)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("3 children waited over 20 weeks.", ["3 children"]),
        ("Three children waited.", ["Three children"]),
        ("We heard from three families.", ["three families"]),
        ("Only one child was placed out of borough.", ["one child"]),
        ("Two late plans were issued in January.", ["Two late plans"]),
        ("4 young people started an apprenticeship.", ["4 young people"]),
        ("A request from 1 young person was declined.", ["1 young person"]),
        ("3 of the pupils moved school.", ["3 of the pupils"]),
        ("One of the families complained.", ["One of the families"]),
        ("4 out of 30 families said no.", ["4 out of 30 families"]),
        ("2 looked-after children are waiting.", ["2 looked-after children"]),
        ("3 parent carers joined the panel.", ["3 parent carers"]),
        ("We issued 3 new EHC plans.", ["3 new EHC plans"]),
        ("In 2 cases the advice came late.", ["2 cases"]),
        ("Four girls and 2 boys took part.", ["Four girls", "2 boys"]),
        ("3-4 children a term are referred.", ["3-4 children"]),
        ("3 to 4 young people a year leave.", ["3 to 4 young people"]),
        ("4 Year 6 pupils moved on.", ["4 Year 6 pupils"]),
        ("Two children's plans were amended.", ["Two children's plans"]),
        ("**3** children were late.", ["3 children"]),  # Markdown marks do not hide a number
        ("Only 2 referrals arrived.", ["2 referrals"]),
        ("1 placement ended and 2 requests were made.", ["1 placement", "2 requests"]),
        # every phrase once, in the order it first appears
        ("3 children waited. Again, 3 children waited.", ["3 children"]),
    ],
)
def test_small_counts_of_people_are_found(text: str, phrases: list[str]) -> None:
    assert free_text.small_numbers_in_text(text, threshold=5) == phrases


@pytest.mark.parametrize(
    "text",
    [
        "fewer than 5 children waited over 20 weeks",
        "5 children waited",  # the threshold itself is published
        "12 children waited",
        "0 children waited",
        "No children waited; none of the families complained.",
        "Priority 1 families told us the offer was clear.",
        "Year 3 pupils and Key Stage 2 pupils took part.",
        "Q3 referrals rose.",
        "Plans are issued within 2 weeks, families are told the date.",
        "20 weeks is the legal limit.",
        "in 2024 children waited less.",
        "3% of children waited.",
        "version 2 of the plan",
        "From 1 April families can apply online.",
        "April 3 families' day",  # a date before "families"
        "1 in 4 children has a plan.",
        "£3 per child",
        "aged 3 to 4 children",
        "After 2 terms children move on.",
        "We have one parent carer forum.",
        "3 children's centres are open.",
        "2 family support workers joined.",
        "No one family is the same.",
        "One reason families wait is the advice.",
        "3.5 children per class",
        "1,234 children in London",
        "4-year-old children",
        "1. Children were seen quickly.",  # a numbered list, not a count
        "Table 4: children by age",
        "See No. 3 requests in the appendix",
        "We wrote 3 action plans and 2 improvement plans.",
    ],
)
def test_numbers_that_are_not_counts_of_people_are_not_found(text: str) -> None:
    assert free_text.small_numbers_in_text(text, threshold=5) == []


def test_what_is_small_follows_the_threshold() -> None:
    assert free_text.small_numbers_in_text("seven children", threshold=10) == ["seven children"]
    assert free_text.small_numbers_in_text("seven children", threshold=5) == []
    assert free_text.small_numbers_in_text("2 children", threshold=2) == []


@pytest.mark.parametrize(
    ("phrase", "instead"),
    [
        ("one child", "fewer than 5 children"),
        ("Three families", "fewer than 5 families"),
        ("3 parent carers", "fewer than 5 parent carers"),
        ("3 to 4 young people", "fewer than 5 young people"),
        ("two late plans", "fewer than 5 late plans"),
        ("1 young person", "fewer than 5 young people"),
    ],
)
def test_the_suggested_wording_says_fewer_than_the_threshold(phrase: str, instead: str) -> None:
    assert free_text.fewer_than(phrase, threshold=5) == instead


# ---------------------------------------------------------------------------------------------
# Saving commentary
# ---------------------------------------------------------------------------------------------


def test_a_small_number_is_refused_in_plain_words_and_nothing_is_stored(engine: Engine) -> None:
    with pytest.raises(CommentaryError) as refused:
        save(engine, "3 children waited over 20 weeks because advice came late.")
    assert str(refused.value) == (
        "The commentary mentions “3 children”. Numbers of people below 5 are not published, "
        "because they could identify a child. Write “fewer than 5 children” instead."
    )
    assert commentary.latest(engine).height == 0
    assert audit.events(engine, actions=[audit.COMMENTARY]).height == 0


def test_every_small_number_is_named_at_once(engine: Engine) -> None:
    text = "3 children waited; two families were told late, and 1 referral was lost."
    with pytest.raises(CommentaryError) as refused:
        save(engine, text)
    message = str(refused.value)
    assert "mentions “3 children”, “two families” and “1 referral”." in message
    assert (
        "Write “fewer than 5 children”, “fewer than 5 families” and “fewer than 5 referrals” "
        "instead." in message
    )
    assert commentary.latest(engine).height == 0


def test_fewer_than_five_children_is_saved(engine: Engine) -> None:
    text = "Fewer than 5 children waited over 20 weeks in 2025; Priority 1 work starts 1 April."
    assert save(engine, text) == 1
    assert commentary.text_for(commentary.latest(engine), EHC, "2025") == text


def test_commentary_stored_before_the_rule_is_left_as_it_was(engine: Engine) -> None:
    old = "2 children waited."
    with store.write_transaction(engine) as conn:
        commentary_store.append(conn, EHC, "2025", old, "A. Officer", MORNING)

    with pytest.raises(CommentaryError):
        save(engine, "Still 2 children waiting.")

    history = commentary.history(engine, EHC, "2025")
    assert history.select("version", "text").rows() == [(1, old)]


def test_the_threshold_comes_from_the_disclosure_settings(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEASURES_DISCLOSURE_THRESHOLD", "10")
    settings_mod.get_settings.cache_clear()
    try:
        with pytest.raises(CommentaryError) as refused:
            save(engine, "Seven children waited.")
        assert "Numbers of people below 10 are not published" in str(refused.value)
        assert "Write “fewer than 10 children” instead." in str(refused.value)
        assert save(engine, "12 children waited.") == 1
    finally:
        monkeypatch.delenv("MEASURES_DISCLOSURE_THRESHOLD")
        settings_mod.get_settings.cache_clear()


# ---------------------------------------------------------------------------------------------
# The Commentary page
# ---------------------------------------------------------------------------------------------

MEASURE = "ehc_20wk_incl_exceptions"
LATEST = "2026"  # the seeded demo data's latest calendar year
SMALL = "3 children waited over 20 weeks because **specialist advice** came late."


def commentary_page(app_on: Any, url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The Commentary page for the measure's latest period, as an officer sees it."""
    monkeypatch.setattr(app_pages, "current_role", lambda: app_pages.OFFICER)
    at = open_page(app_on(url), "commentary", indicator=MEASURE, period=LATEST)
    assert not at.exception, [e.message for e in at.exception]
    return at


def press(at: AppTest, label: str) -> AppTest:
    (button,) = [b for b in at.button if b.label == label]
    return button.click().run()


def test_the_page_shows_the_refusal_and_keeps_the_text(
    app_on: Any, seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = commentary_page(app_on, seeded_url, monkeypatch)
    assert "numbers of people below 5 are not allowed" in texts(at)

    at.text_area[0].input(SMALL)
    at = press(at, "Save as a new version")

    assert not at.exception, [e.message for e in at.exception]
    (error,) = at.error
    assert error.icon == ":material/error:"
    assert "The commentary mentions “3 children”." in error.value
    assert "Write “fewer than 5 children” instead." in error.value
    assert not at.success
    assert at.text_area[0].value == SMALL  # nothing the officer wrote is lost
    assert commentary.latest(api.engine(seeded_url)).height == 0

    # the officer rewords it and saves
    at.text_area[0].input(SMALL.replace("3 children", "Fewer than 5 children"))
    at = press(at, "Save as a new version")
    assert any("Saved as version 1" in s.value for s in at.success)


def test_the_preview_warns_before_saving(
    app_on: Any, seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = commentary_page(app_on, seeded_url, monkeypatch)
    at.text_area[0].input(SMALL)
    at = press(at, "Preview")

    warnings = [w for w in at.warning if "mentions “3 children”" in w.value]
    assert len(warnings) == 1
    assert warnings[0].icon == ":material/warning:"
    assert at.text_area[0].value == SMALL
    assert commentary.latest(api.engine(seeded_url)).height == 0
