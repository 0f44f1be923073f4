"""The indicator registry: the shipped file is sound and complete, and every mistake is caught.

The second half builds small registries by editing one compact, valid TOML text, so each test
shows exactly the one line that is wrong and the words the officer is told.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from metrics import registry
from metrics.registry import IndicatorType, RegistryError

# --------------------------------------------------------------------------------------------
# The shipped registry
# --------------------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    """Compare wording, not layout: one space, straight quotes, no trailing full stop, any case."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip().rstrip(".").casefold()


# The bullets under each "Key measures of success are:" heading of the strategy's section 6, word
# for word (copied by hand: 6 measures in priority 1, 4 in 2, 4 in 3, 3 in 4, 3 in 5). The
# project does not ship the strategy document; its registry holds this wording verbatim.
MEASURES_OF_SUCCESS = [
    (
        "the support offer for families is co-designed with children, young people and their "
        "families, including those with SEND"
    ),
    (
        "children and young people with SEND, including those from global majority communities, "
        "have their needs identified and met at the earliest opportunity"
    ),
    "families have access to information and support while waiting for assessment",
    (
        "parent carers report that there is a good information, advice and support offer in the "
        "City of London Corporation"
    ),
    "the Local Offer website hits increase following the review",
    "the emotional wellbeing offer for parent carers is reviewed and co-designed with them",
    (
        "the City Corporation’s Adult Social Care Early Intervention and Prevention offer is "
        "reviewed with a focus on young people with SEND"
    ),
    "families access and benefit from inclusive information, advice and guidance",
    "increase in the number of apprenticeships and supported internships offered and taken up",
    "the support offer for parent carers around transitions is co-designed",
    (
        "SEND Panel receives high-quality requests for EHC needs assessments reflecting the "
        "timely, accurate identification of needs"
    ),
    (
        "professionals report improved knowledge and skills through engagement with professional "
        "networks"
    ),
    "SEND awareness raising plan for the wider workforce developed and delivered",
    (
        "Parent carers and young people with SEND report improved awareness of SEND in their "
        "interactions with the wider workforce"
    ),
    (
        "leaders advocate for SEND across City of London communities resulting in more awareness "
        "and inclusion"
    ),
    "young people with SEND report universal services made them feel included",
    (
        "deliver at least three co-designed services and/or activities where young people and/or "
        "parent carers are involved from the start, receive feedback and report feeling heard"
    ),
    (
        "we know which City of London children and young people are in alternative provision and "
        "support high-quality placements that result in good outcomes"
    ),
    "a quality assurance framework for alternative provision is embedded",
    ("high-quality alternative provision is reported at the SEND and Alternative Provision Panel"),
]


def test_the_shipped_registry_loads_with_no_problems() -> None:
    assert registry.problems_in() == []
    reg = registry.load()
    assert reg.area.la_code == "201"
    assert reg.area.new_la_code == "E09000001"


def test_every_priority_has_indicators() -> None:
    reg = registry.load()
    assert [p.id for p in reg.priorities] == ["1", "2", "3", "4", "5"]
    for priority in reg.priorities:
        assert reg.for_priority(priority.id), f"priority {priority.id} has no indicators"


def test_every_measure_of_success_in_the_strategy_has_an_indicator() -> None:
    assert len(MEASURES_OF_SUCCESS) == 6 + 4 + 4 + 3 + 3
    covered = {_normalise(i.measure) for i in registry.load().indicators}
    uncovered = [m for m in MEASURES_OF_SUCCESS if _normalise(m) not in covered]
    assert uncovered == []


def test_indicator_ids_are_unique() -> None:
    ids = [i.id for i in registry.load().indicators]
    assert [i for i, n in Counter(ids).items() if n > 1] == []


def test_both_ehc_timeliness_measures_exist_and_point_at_each_other() -> None:
    reg = registry.load()
    excluding = reg.indicator("ehc_20wk_excl_exceptions")
    including = reg.indicator("ehc_20wk_incl_exceptions")
    assert "ehc_20wk_incl_exceptions" in excluding.related
    assert "ehc_20wk_excl_exceptions" in including.related
    # SEN2: "within 20 weeks" is at most 20 x 7 = 140 days after the request.
    assert excluding.source.numerator[0].at_most == 140
    assert including.source.numerator[0].at_most == 140


def test_every_milestone_has_a_due_date_within_the_strategy() -> None:
    for ind in registry.load().indicators:
        if ind.type is IndicatorType.milestone:
            assert ind.target is not None and ind.target.date is not None, ind.id
            assert 2025 <= ind.target.date.year <= 2029, ind.id
            assert ind.target.value is None, ind.id


def test_context_indicators_have_no_target_and_no_polarity() -> None:
    context = registry.load().for_priority("context")
    assert context
    for ind in context:
        assert ind.target is None, ind.id
        assert ind.polarity is registry.Polarity.none, ind.id


# --------------------------------------------------------------------------------------------
# Catching mistakes
# --------------------------------------------------------------------------------------------

# The smallest sound registry: one priority, a rate and the milestone it relates to.
BASE = """
[area]
name = "Testshire"
la_code = "999"
new_la_code = "E09999999"
strategy_title = "Testshire SEND Strategy 2025-2029"
strategy_period = "2025-2029"

[[priorities]]
id = "1"
title = "the right help at the right time"
short_title = "Right help"
vision_quote = "By 2029, I hope help comes quickly."
vision_quote_by = "Parent carer"
we_will = ["identify needs early"]

[[indicators]]
id = "decisions_6wk"
priority = "1"
measure = "needs are identified early"
title = "Decisions made within 6 weeks"
description = "The share of decisions on whether to assess made within 6 weeks."
type = "rate"
unit = "percent"
polarity = "higher_is_better"
period_type = "calendar_year"
update_frequency = "monthly"
methodology = "Decisions within 42 days over all decisions made in the year."
related = ["review_done"]
target = { value = 90 }
baseline = { value = 80, period = "2024" }

[indicators.source]
dataset = "ehc_requests"
date_column = "request_decision_date"
where = [{ column = "request_outcome", in = ["assess", "not_assess"] }]
numerator = [
    { days_from = "request_received_date", days_to = "request_decision_date", at_most = 42 },
]
breakdowns = ["sex"]

[[indicators]]
id = "review_done"
priority = "1"
measure = "the offer is reviewed"
title = "Offer reviewed"
description = "Whether the offer has been reviewed."
type = "milestone"
unit = "status"
polarity = "higher_is_better"
period_type = "quarter"
update_frequency = "quarterly"
methodology = "The Action Plan status of milestone review."
target = { date = 2026-03-31 }

[indicators.source]
dataset = "milestones"
milestone_id = "review"
"""

SURVEY = """
[[indicators]]
id = "parents_agree"
priority = "1"
measure = "parent carers report a good offer"
title = "Parent carers who agree"
description = "The share of parent carers who agree."
type = "survey"
unit = "percent"
polarity = "higher_is_better"
period_type = "financial_year"
update_frequency = "annually"
methodology = "Agree or strongly agree over all answers except don't know."

[indicators.source]
dataset = "survey_responses"
date_column = "response_date"
respondent_groups = ["parent_carer"]
"""

SERIES = """
[[indicators]]
id = "website_visits"
priority = "1"
measure = "website visits increase after the review"
title = "Website visits"
description = "Visits to the website each month."
type = "series"
unit = "count"
polarity = "higher_is_better"
period_type = "month"
update_frequency = "monthly"
methodology = "Monthly visits from the website analytics."

[indicators.source]
dataset = "indicator_values"
event_milestone = "the_review"
"""


def _edit(old: str, new: str, text: str = BASE) -> str:
    """The text with one exact, unique passage replaced."""
    assert text.count(old) == 1, f"{old!r} is not unique in the base registry"
    return text.replace(old, new)


def _problems(text: str) -> list[str]:
    """Every problem load_text reports, as 'where: problem' lines."""
    with pytest.raises(RegistryError) as caught:
        registry.load_text(text)
    return [str(p) for p in caught.value.problems]


def _one_problem(text: str) -> str:
    problems = _problems(text)
    assert len(problems) == 1, problems
    return problems[0]


def test_the_base_registry_is_sound() -> None:
    reg = registry.load_text(BASE)
    assert [i.id for i in reg.indicators] == ["decisions_6wk", "review_done"]


def test_a_duplicate_id_is_caught() -> None:
    text = _edit('id = "review_done"', 'id = "decisions_6wk"')
    text = _edit('related = ["review_done"]', "related = []", text)
    assert _one_problem(text) == "indicator decisions_6wk: id used 2 times"


def test_an_unknown_dataset_is_caught() -> None:
    problem = _one_problem(_edit('dataset = "ehc_requests"', 'dataset = "ehc_request"'))
    assert problem.startswith("indicator decisions_6wk: There is no dataset called 'ehc_request'")


def test_an_unknown_column_in_a_condition_is_caught() -> None:
    problem = _one_problem(_edit('{ column = "request_outcome"', '{ column = "request_result"'))
    assert problem == "indicator decisions_6wk: dataset ehc_requests has no column 'request_result'"


def test_a_value_the_column_can_never_hold_is_caught() -> None:
    problem = _one_problem(_edit('in = ["assess", "not_assess"]', 'in = ["assess", "refused"]'))
    assert "request_outcome can never be ['refused']" in problem
    assert "allowed: ['assess', 'not_assess', 'withdrawn', 'pending']" in problem


def test_a_date_column_that_is_not_a_date_is_caught() -> None:
    text = _edit('date_column = "request_decision_date"', 'date_column = "request_outcome"')
    assert _one_problem(text) == "indicator decisions_6wk: 'request_outcome' is not a date column"


def test_an_unknown_breakdown_is_caught() -> None:
    problem = _one_problem(_edit('breakdowns = ["sex"]', 'breakdowns = ["gender"]'))
    assert problem.startswith("indicator decisions_6wk: unknown breakdown 'gender'; known: [")


def test_a_target_direction_against_the_polarity_is_caught() -> None:
    text = _edit("target = { value = 90 }", 'target = { direction = "decrease" }')
    assert _one_problem(text) == (
        "indicator decisions_6wk: target says decrease but higher is better"
    )


def test_a_target_value_on_the_wrong_side_of_the_baseline_is_caught() -> None:
    # Higher is better, yet the target (70) is below where we started (80).
    text = _edit("target = { value = 90 }", "target = { value = 70 }")
    assert _one_problem(text) == (
        "indicator decisions_6wk: target 70 is below baseline 80; higher is better"
    )


def test_a_percent_target_over_100_is_caught() -> None:
    text = _edit("target = { value = 90 }", "target = { value = 120 }")
    assert _one_problem(text) == "indicator decisions_6wk: target 120% is not between 0 and 100"


def test_a_rate_target_with_only_a_date_is_caught() -> None:
    # A date alone is a milestone's due date; a rate needs a value or a direction to aim at.
    text = _edit("target = { value = 90 }", "target = { date = 2029-03-31 }")
    assert _one_problem(text) == "indicator decisions_6wk: a target needs a value or a direction"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'baseline = { value = 80, period = "2024" }',
            'baseline = { value = 80, period = "2024/25" }',
            "baseline period '2024/25' is not a calendar_year label (like '2024')",
        ),
        (
            'baseline = { value = 80, period = "2024" }',
            'baseline = { value = 80, period = "2024" }\n'
            'trajectory = [{ period = "2025-26", value = 85 }]',
            "trajectory period '2025-26' is not a calendar_year label (like '2024')",
        ),
    ],
    ids=["baseline", "trajectory"],
)
def test_a_period_label_of_the_wrong_type_is_caught(old: str, new: str, expected: str) -> None:
    assert _one_problem(_edit(old, new)) == f"indicator decisions_6wk: {expected}"


def test_a_unit_that_does_not_match_the_type_is_caught() -> None:
    problem = _one_problem(_edit('unit = "percent"', 'unit = "count"'))
    assert problem == "indicator decisions_6wk: a rate indicator has unit percent, not count"


def test_a_survey_without_a_question_is_caught() -> None:
    problem = _one_problem(BASE + SURVEY)
    assert problem == "indicator parents_agree: a survey indicator needs source.question"


def test_the_same_survey_with_a_question_is_sound() -> None:
    text = _edit(
        'respondent_groups = ["parent_carer"]',
        'question = "iag_offer_good"\nrespondent_groups = ["parent_carer"]',
        BASE + SURVEY,
    )
    assert registry.load_text(text).indicator("parents_agree").source.question == "iag_offer_good"


def test_a_milestone_without_a_due_date_is_caught() -> None:
    problem = _one_problem(_edit("target = { date = 2026-03-31 }\n", ""))
    assert problem == "indicator review_done: a milestone needs target.date (its due date)"


def test_an_event_milestone_that_names_no_milestone_is_caught() -> None:
    problem = _one_problem(BASE + SERIES)
    assert problem == (
        "indicator website_visits: event_milestone 'the_review' is no milestone indicator's"
    )


def test_an_event_milestone_naming_a_milestone_indicator_is_sound() -> None:
    text = _edit('event_milestone = "the_review"', 'event_milestone = "review"', BASE + SERIES)
    assert registry.load_text(text).indicator("website_visits").source.event_milestone == "review"


def test_a_related_id_that_does_not_exist_is_caught() -> None:
    problem = _one_problem(_edit('related = ["review_done"]', 'related = ["review_don"]'))
    assert problem == "indicator decisions_6wk: related indicator 'review_don' does not exist"


def test_invalid_toml_is_caught() -> None:
    problem = _one_problem(_edit('title = "Offer reviewed"', 'title = "Offer reviewed'))
    assert problem.startswith("indicators.toml: not valid TOML:")


# `colour` is no field of an indicator.
UNKNOWN_FIELD = (
    'polarity = "higher_is_better"\nperiod_type = "calendar_year"',
    'polarity = "higher_is_better"\ncolour = "red"\nperiod_type = "calendar_year"',
)


def test_an_unknown_field_is_caught() -> None:
    problem = _one_problem(_edit(*UNKNOWN_FIELD))
    assert problem == "indicator decisions_6wk.colour: Extra inputs are not permitted"


def test_three_different_problems_are_all_reported_at_once() -> None:
    text = _edit(*UNKNOWN_FIELD)  # a field the model does not have
    text = _edit("target = { date = 2026-03-31 }\n", "", text)  # a milestone with no due date
    text += SERIES  # a series whose event milestone names no milestone
    assert sorted(_problems(text)) == [
        "indicator decisions_6wk.colour: Extra inputs are not permitted",
        "indicator review_done: a milestone needs target.date (its due date)",
        "indicator website_visits: event_milestone 'the_review' is no milestone indicator's",
    ]


# --------------------------------------------------------------------------------------------
# Definitions are data
# --------------------------------------------------------------------------------------------

NEW_RATE = """
[[indicators]]
id = "ap_children_with_ehc_plan"
priority = "5"
measure = "we know which City of London children and young people are in alternative provision"
title = "Alternative provision placements of children with an EHC plan"
description = "The share of alternative provision placements for children with an EHC plan."
type = "rate"
unit = "percent"
polarity = "none"
period_type = "academic_year"
update_frequency = "termly"
methodology = "Placements of children with an EHC plan over all placements started in the year."

[indicators.source]
dataset = "ap_placements"
date_column = "start_date"
numerator = [{ column = "sen_status", in = ["ehc_plan"] }]
breakdowns = ["placed_by"]
"""


def test_a_new_indicator_of_an_existing_type_is_a_registry_edit_only() -> None:
    shipped = registry.REGISTRY_PATH.read_text(encoding="utf-8")
    reg = registry.load_text(shipped + NEW_RATE)
    new = reg.indicator("ap_children_with_ehc_plan")
    assert new.type is IndicatorType.rate
    assert new.source.numerator[0].in_ == ("ehc_plan",)
    assert new in reg.for_priority("5")
    assert len(reg.indicators) == len(registry.load().indicators) + 1
