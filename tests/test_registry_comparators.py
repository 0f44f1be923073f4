"""The registry's comparators and comparison group: what is sound, and each mistake caught.

Built, like tests/test_registry.py, by editing one small valid registry, so each test shows the
one line that is wrong and the words the officer is told.
"""

from __future__ import annotations

import pytest
from test_registry import BASE, _edit, _one_problem

from metrics import registry

AFTER_SOURCE = 'breakdowns = ["sex"]\n'


def with_comparator(lines: str, text: str = BASE) -> str:
    """The base registry with a comparator on its rate (decisions_6wk)."""
    return _edit(AFTER_SOURCE, f"{AFTER_SOURCE}\n[[indicators.comparators]]\n{lines}\n", text)


EES = """kind = "ees"
file = "decisions.csv"
filters = { breakdown_topic = "Total" }
numerator = "within_6_weeks"
denominator = "decisions"
value = "pc_within_6_weeks"
"""
LAIT = 'kind = "lait"\nfile = "lait.csv"\nmeasure = "EHC_6wks"\n'
GROUP = """
[area.comparison_group]
name = "Neighbours"
members = [
    { name = "Hackney", new_la_code = "E09000012", old_la_code = "204" },
    { name = "Newham", new_la_code = "E09000025", old_la_code = "316" },
]
"""


def with_group(group: str = GROUP) -> str:
    return _edit('strategy_period = "2025-2029"\n', f'strategy_period = "2025-2029"\n{group}')


def test_an_ees_and_a_lait_comparator_are_sound() -> None:
    reg = registry.load_text(with_comparator(EES + "\n[[indicators.comparators]]\n" + LAIT))
    ees, lait = reg.indicator("decisions_6wk").comparators
    assert (ees.kind, ees.numerator, ees.denominator, ees.value) == (
        "ees", "within_6_weeks", "decisions", "pc_within_6_weeks",
    )  # fmt: skip
    assert ees.columns == ["breakdown_topic", "within_6_weeks", "decisions", "pc_within_6_weeks"]
    assert (lait.kind, lait.measure) == ("lait", "EHC_6wks")


def test_the_shipped_registry_compares_the_measures_with_official_data() -> None:
    reg = registry.load()
    with_comparators = {i.id for i in reg.indicators if i.comparators}
    assert with_comparators == {
        "ehc_20wk_excl_exceptions", "ehc_20wk_incl_exceptions", "active_ehc_plans",
        "tribunal_appeal_rate",
    }  # fmt: skip
    assert (reg.area.region_code, reg.area.region_name) == ("E12000007", "London")


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            EES.replace('kind = "ees"', 'kind = "ons"'),
            "indicator decisions_6wk.comparators.0.kind: Input should be 'ees' or 'lait'",
        ),
        (
            'kind = "ees"\nfile = "decisions.csv"\n',
            "indicator decisions_6wk.comparators.0: Value error, an ees comparator needs a value "
            "column or numerator and denominator columns",
        ),
        (
            EES.replace('denominator = "decisions"\n', ""),
            "indicator decisions_6wk.comparators.0: Value error, give both numerator and "
            "denominator columns, or neither",
        ),
        (
            'kind = "lait"\nfile = "lait.csv"\n',
            "indicator decisions_6wk.comparators.0: Value error, a lait comparator needs measure "
            "(the LAIT 'Short Desc' code)",
        ),
        (
            LAIT + 'value = "Values"\n',
            "indicator decisions_6wk.comparators.0: Value error, a lait comparator names only its "
            "measure: LAIT gives one value per area and year",
        ),
        (
            EES + "census_month = 1\n",
            "indicator decisions_6wk comparator 1 (ees decisions.csv): census_month is only for "
            "monthly indicators",
        ),
        (
            EES + "census_month = 13\n",
            "indicator decisions_6wk.comparators.0.census_month: Input should be less than or "
            "equal to 12",
        ),
        (
            EES + "\n[[indicators.comparators]]\n" + EES,
            "indicator decisions_6wk: 2 comparators read the ees file decisions.csv; give it "
            "once",
        ),
    ],
    ids=[
        "unknown kind", "no columns", "numerator alone", "lait without measure",
        "lait with a column", "census month on a yearly indicator", "month 13", "twice",
    ],
)  # fmt: skip
def test_a_comparator_mistake_is_caught(lines: str, expected: str) -> None:
    assert _one_problem(with_comparator(lines)) == expected


def test_a_monthly_indicator_needs_the_census_month() -> None:
    text = with_comparator(EES)
    text = _edit('period_type = "calendar_year"', 'period_type = "month"', text)
    text = _edit('period = "2024" }', 'period = "2024-01" }', text)
    assert _one_problem(text) == (
        "indicator decisions_6wk comparator 1 (ees decisions.csv): a monthly indicator needs "
        "census_month: the month a yearly official figure describes (1 for the January census)"
    )


def test_a_milestone_has_no_comparator() -> None:
    text = BASE + "\n[[indicators.comparators]]\n" + LAIT
    assert _one_problem(text) == "indicator review_done: a milestone has no official comparator"


def test_a_comparison_group_is_sound() -> None:
    reg = registry.load_text(with_group())
    group = reg.area.comparison_group
    assert group is not None
    assert [m.name for m in group.members] == ["Hackney", "Newham"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'new_la_code = "E09000025"', 'new_la_code = "E09000012"',
            "area.comparison_group: E09000012 is listed 2 times",
        ),
        (
            'new_la_code = "E09000025"', 'new_la_code = "E09999999"',
            "area.comparison_group: Testshire is compared with itself; list other authorities",
        ),
        (
            'old_la_code = "316"', 'old_la_code = "3160"',
            "area.comparison_group.members.1.old_la_code: String should match pattern "
            "'^\\d{3}$'",
        ),
    ],
    ids=["listed twice", "the area itself", "not a DfE number"],
)  # fmt: skip
def test_a_comparison_group_mistake_is_caught(old: str, new: str, expected: str) -> None:
    assert _one_problem(with_group(GROUP.replace(old, new))) == expected
