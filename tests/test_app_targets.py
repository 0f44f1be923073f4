"""The Targets page, run headless with AppTest as Streamlit's sign-in sets `at.user`: an admin
changes a target with a reason and sees it, in the audit log and on the measure's page; a refused
change says every problem and saves nothing; viewers and officers are refused the page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    APP,
    PAGE_FILES,
    RUN_TIMEOUT,
    seeded_template_fixture,
    seeded_url_fixture,
    texts,
)
from streamlit.testing.v1 import AppTest

from metrics import api, audit, targets
from metrics.db import store
from metrics.registry import load

REGISTRY = load()
WAITING = "ehc_waiting_support"
TITLE = REGISTRY.indicator(WAITING).title  # Families offered information and support while ...
ADA = "ada@council.example"
REASON = "The SEND Programme Board agreed 90% on 3 March 2026"
PAGES = PAGE_FILES | {"targets": "app_pages/targets.py", "audit-log": "app_pages/audit_log.py"}


def signed_in(role: str, email: str) -> dict[str, Any]:
    """What Streamlit's sign-in puts in st.user: the ID token's claims and is_logged_in."""
    return {"is_logged_in": True, "email": email, "sub": f"sub-{role}", "roles": [role]}


@pytest.fixture(name="app_as")
def app_as_fixture(monkeypatch: pytest.MonkeyPatch, seeded_url: str) -> Iterator[Any]:
    """An AppTest of the dashboard in oidc mode, signed in as a given person."""

    def make(role: str, email: str) -> AppTest:
        monkeypatch.setenv("MEASURES_DATABASE_URL", seeded_url)
        monkeypatch.setenv("MEASURES_AUTH_MODE", "oidc")
        at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
        at.user = signed_in(role, email)
        return at

    yield make


def opened(at: AppTest, page: str, **query: str) -> AppTest:
    """Run the app, then open a page as if by typing its address."""
    at.run()
    at.switch_page(PAGES[page])
    at.query_params.update(query)
    return at.run()


def data_digest(url: str) -> dict[str, list[tuple]]:
    """Every stored row except the audit log's: what 'nothing was written' means."""
    with api.engine(url).connect() as conn:
        return {k: v for k, v in store.table_digest(conn).items() if k != "audit_events"}


def table_with(at: AppTest, column: str) -> Any:
    [found] = [t.value for t in at.table if column in t.value.columns]
    return found


def choose(at: AppTest, indicator_id: str) -> AppTest:
    at.selectbox(key="targets_measure_0").set_value(indicator_id)
    return at.run()


def text_area(at: AppTest, starts: str) -> Any:
    [found] = [t for t in at.text_area if t.label.startswith(starts)]
    return found


def submit(at: AppTest, label: str) -> AppTest:
    [button] = [b for b in at.button if b.label == label]
    return button.click().run()


def today_in_words() -> str:
    day = dt.datetime.now(ZoneInfo("Europe/London")).date()
    return f"{day.day} {day:%B %Y}"


def test_an_admin_changes_a_target_and_sees_it_everywhere(app_as: Any, seeded_url: str) -> None:
    at = opened(app_as("admin", ADA), "targets")
    assert not at.exception, [e.message for e in at.exception]
    assert [t.value for t in at.title] == ["Targets"]
    listed = table_with(at, "Target now").set_index("Measure")
    assert listed.loc[TITLE, "The strategy's target"] == listed.loc[TITLE, "Target now"] == "100%"

    at = choose(at, WAITING)
    at.number_input[0].set_value(90)
    text_area(at, "Reason for the change").input(REASON)
    at = submit(at, "Save the new target")

    assert not at.exception, [e.message for e in at.exception]
    assert [s.value for s in at.success] == [f"Saved the new target of {TITLE} as version 1."]
    listed = table_with(at, "Target now").set_index("Measure")
    assert (listed.loc[TITLE, "The strategy's target"], listed.loc[TITLE, "Target now"]) == (
        "100%",
        "90%",
    )
    assert listed.loc[TITLE, "Changed"] == f"◎ Changed by {ADA} on {today_in_words()}: {REASON}"
    history = table_with(at, "Reason")
    assert history[["Measure", "Version", "Target", "Who"]].values.tolist() == [
        [TITLE, "1", "Changed to 90%", ADA]
    ]
    # stored, and recorded in the audit log in the same transaction
    effective = targets.effective_registry(api.engine(seeded_url))
    assert effective.indicator(WAITING).target.value == 90  # type: ignore[union-attr]
    [event] = audit.events(api.engine(seeded_url), actions=[audit.TARGET_CHANGE]).to_dicts()
    assert (event["who"], event["role"], event["ref"]) == (ADA, "admin", WAITING)

    # the audit log shows the change, old -> new and the reason
    log = opened(app_as("admin", ADA), "audit-log")
    shown = table_with(log, "Detail")
    changes = shown[shown["What"] == "◎ Target changed"]
    assert changes["Detail"].tolist() == [
        f"Target of {TITLE} changed from 100% to 90% (version 1). Reason: {REASON}"
    ]
    assert changes["Who"].tolist() == [ADA]

    # the measure's page judges 2024 by 90% and says the target changed
    page = opened(app_as("viewer", "val@council.example"), "indicator", indicator=WAITING,
                  period="2024")  # fmt: skip
    assert not page.exception, [e.message for e in page.exception]
    said = f"Target changed from 100% to 90% by {ADA} on {today_in_words()}: {REASON}."
    assert said in [i.value for i in page.info]
    # 6 of 7 (85.7%, 95% interval 48.7% to 97.4%): below 90%, but 90% is inside the interval
    badge = next(m.value for m in page.markdown if m.value.startswith("Status: "))
    assert "▲ At risk" in badge
    assert f"**◎ {said}**" in texts(page)  # in the methodology, under the target


def test_a_refused_change_lists_every_problem_and_saves_nothing(
    app_as: Any, seeded_url: str
) -> None:
    before = data_digest(seeded_url)
    at = choose(opened(app_as("admin", ADA), "targets"), WAITING)
    at.number_input[0].set_value(120)
    at = submit(at, "Save the new target")

    assert not at.exception, [e.message for e in at.exception]
    assert [e.value for e in at.error] == [
        f"The target of {TITLE} was not changed: nothing was saved."
    ]
    problems = texts(at)
    assert "Give the reason for the change" in problems
    assert "target 120% is not between 0 and 100" in problems
    assert not at.success
    assert data_digest(seeded_url) == before
    assert audit.events(api.engine(seeded_url), actions=[audit.TARGET_CHANGE]).height == 0


def test_going_back_to_the_strategys_target(app_as: Any, seeded_url: str) -> None:
    targets.change(api.engine(seeded_url), WAITING, value=90, reason=REASON, who=ADA, role="admin")
    at = choose(opened(app_as("admin", ADA), "targets"), WAITING)
    text_area(at, "Reason for going back").input("The Board returned to the strategy's 100%")
    at = submit(at, "Go back to the strategy's target: 100%")

    assert not at.exception, [e.message for e in at.exception]
    assert [s.value for s in at.success] == [
        f"{TITLE} is back to the strategy's target (version 2)."
    ]
    listed = table_with(at, "Target now").set_index("Measure")
    assert listed.loc[TITLE, "Target now"] == "100%"
    assert listed.loc[TITLE, "Changed"] == "– No: the strategy's target"
    assert table_with(at, "Reason")["Target"].tolist() == [
        "Back to the strategy's target: 100%",
        "Changed to 90%",
    ]


@pytest.mark.parametrize(("role", "as_what"), [("viewer", "a viewer"), ("officer", "an officer")])
def test_viewers_and_officers_opening_the_page_by_its_address_are_refused(
    app_as: Any, seeded_url: str, role: str, as_what: str
) -> None:
    before = data_digest(seeded_url)
    email = f"{role}@council.example"
    at = opened(app_as(role, email), "targets")

    assert not at.exception
    assert [e.value for e in at.error] == [
        f"Changing targets is only for an admin; you are using the dashboard as {as_what}. Ask "
        "the SEND data team if you need access."
    ]
    # nothing of the page ran: no heading, no table, no chooser, no form
    assert not at.title and not at.table and not at.selectbox and not at.number_input
    assert data_digest(seeded_url) == before
    refusals = audit.events(api.engine(seeded_url), actions=[audit.REFUSED]).to_dicts()
    assert [(e["who"], e["role"]) for e in refusals] == [(email, role)]
