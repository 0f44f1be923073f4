"""Write the SYNTHETIC demo data: one CSV per upload type, exactly as an officer uploads it.

    uv run python seed_data/generate.py [--out DIR]

No real child is described. Counts are built to agree with the City of London SEND and AP
Strategy (November 2024) and with the official DfE figures shipped in seed_data/official/.
A fixed seed makes every run byte-identical; see seed_data/README.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from metrics.datasets import DATASETS, GLOBAL_MAJORITY, OFFICIAL_DATASETS, get

SEED = 20251127
TODAY = dt.date(2026, 11, 27)
HERE = Path(__file__).resolve().parent
REFERENCE = HERE / "official"
EES = REFERENCE / "ees-ehc-plans-2025"
LA_CODE = "E09000001"
LA_NAME = "City of London"

# The strategy's profile of the 26 active EHC plans in November 2024. Exact percentages are
# impossible with 26 plans, so these are the nearest counts: 19/26 = 73.1% (72% autism),
# 22/26 = 84.6% (85% male), 14/26 = 53.8% (53% global majority), 12/26 = 46.2% (48% short
# breaks), 10/26 = 38.5% (38% under 12).
NOV_2024 = dt.date(2024, 11, 30)
STRATEGY_PROFILE = {
    "plans": 26,
    "asd": 19,
    "male": 22,
    "global_majority": 14,
    "short_breaks": 12,
    "under_12": 10,
}
SEN_SUPPORT_NOV_2024 = 43
PCF_MEMBERS_2024 = 55

# Synthetic years after the official series: (issued, within 20 weeks, issued excluding
# exceptions, within 20 weeks excluding exceptions).
SYNTHETIC_TIMELINESS = {2025: (6, 5, 5, 5), 2026: (5, 4, 4, 3)}
SYNTHETIC_PLANS_JAN_2026 = 28

Row = dict[str, str | None]


def rng_for(name: str) -> random.Random:
    """One generator per dataset, so a change to one file leaves the others as they were."""
    return random.Random(f"{SEED}:{name}")


def fmt(day: dt.date | None) -> str | None:
    return None if day is None else day.strftime("%d/%m/%Y")


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def census_day(year: int) -> dt.date:
    """The January school census: the third Thursday of January."""
    first = dt.date(year, 1, 1)
    first_thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + dt.timedelta(weeks=2)


def random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def working_day(day: dt.date) -> dt.date:
    """Decisions, plans and Panels happen on weekdays: a weekend date moves back to Friday."""
    return day - dt.timedelta(days=max(day.weekday() - 4, 0))


def quiet_birthday(rng: random.Random, year: int) -> dt.date:
    """A birthday between February and November, so no census or snapshot straddles it."""
    return random_day(rng, dt.date(year, 2, 1), dt.date(year, 11, 20))


# --------------------------------------------------------------------------- official figures


def read_ees(file_name: str) -> list[dict[str, str]]:
    with (EES / file_name).open(encoding="utf-8-sig", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["new_la_code"] == LA_CODE]


def major_group(dfe_label: str) -> str:
    """DfE detailed ethnicity ('Black - Black African') as the dataset's major group."""
    label = dfe_label.lower()
    if "chinese" in label:
        return "chinese"
    for group in ("white", "mixed", "asian", "black"):
        if label.startswith(group):
            return group
    if label.startswith("any other") or label.startswith("other"):
        return "any_other"
    return "not_known"


@dataclass(frozen=True)
class Timeliness:
    issued: int
    within: int
    issued_ex: int
    within_ex: int

    def kinds(self) -> list[tuple[bool, bool]]:
        """One (exception applies, within 20 weeks) pair per plan."""
        exceptions = self.issued - self.issued_ex
        exceptions_within = self.within - self.within_ex
        counts = {
            (False, True): self.within_ex,
            (False, False): self.issued_ex - self.within_ex,
            (True, True): exceptions_within,
            (True, False): exceptions - exceptions_within,
        }
        if min(counts.values()) < 0:
            raise ValueError(f"inconsistent timeliness figures {self}")
        return [kind for kind, n in counts.items() for _ in range(n)]


TIMELINESS_TOPICS = {"Sex": "sex", "Ethnicity": "ethnic_group", "Child or young persons age": "age"}


Breakdowns = dict[int, dict[str, dict[str, Timeliness]]]  # year -> column -> group -> figures


def official_timeliness() -> tuple[dict[int, Timeliness], Breakdowns]:
    """Headline figures per calendar year, and per year the breakdowns DfE publishes."""
    headline: dict[int, Timeliness] = {}
    breakdowns: Breakdowns = {}
    for r in read_ees("timeliness_20_week.csv"):
        values = [
            r["plans_issued_den"],
            r["plans_issued_within_20_weeks"],
            r["plans_issued_den_ex"],
            r["plans_issued_20_weeks_ex"],
        ]
        if not all(v.isdigit() for v in values):
            continue
        figures = Timeliness(*(int(v) for v in values))
        year = int(r["time_period"])
        if r["breakdown_topic"] == "All EHC plans issued":
            headline[year] = figures
        elif r["breakdown_topic"] in TIMELINESS_TOPICS:
            column = TIMELINESS_TOPICS[r["breakdown_topic"]]
            breakdowns.setdefault(year, {}).setdefault(column, {})[r["breakdown"]] = figures
    return headline, breakdowns


@dataclass(frozen=True)
class Caseload:
    plans: dict[int, int]  # January year -> active EHC plans
    ages: dict[int, Counter[int]]
    sexes: dict[int, Counter[str]]
    ethnic_groups: dict[int, Counter[str]]


def official_caseload() -> Caseload:
    plans: dict[int, int] = {}
    ages: dict[int, Counter[int]] = {}
    sexes: dict[int, Counter[str]] = {}
    ethnic: dict[int, Counter[str]] = {}
    for r in read_ees("caseload.csv"):
        # 201819 is the census of January 2019.
        year = int(r["time_period"][:4]) + 1
        n = int(r["ehcplans"])
        topic, group = r["breakdown_topic"], r["breakdown"]
        if topic == "All EHC plans":
            plans[year] = n
        elif topic == "Child or young persons age":
            ages.setdefault(year, Counter())[int(group.removeprefix("age "))] += n
        elif topic == "Sex":
            sexes.setdefault(year, Counter())[group.lower()] += n
        elif topic == "Ethnicity":
            ethnic.setdefault(year, Counter())[major_group(group)] += n
    return Caseload(plans, ages, sexes, ethnic)


def official_ap_at_census() -> dict[int, int]:
    """EHC plan holders in alternative provision or a PRU at each January census."""
    rows = [r for r in read_ees("caseload.csv") if r["breakdown_topic"] == "All EHC plans"]
    return {int(r["time_period"][:4]) + 1: int(r["ap_pru_total"]) for r in rows}


def official_appeals() -> dict[int, tuple[int, int]]:
    """(appeals registered, appealable decisions) per calendar year, from the DfE/MoJ table."""
    path = EES / "send_tribunals_appeal_rate_2014_2024.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header = next(r for r in rows if r and r[0] == "Local Authority")
    city = next(r for r in rows if r and r[0] == LA_NAME)

    def number(text: str) -> int:
        text = text.strip().replace(",", "")
        return 0 if text == "-" else int(text)  # "-" is nil in this table

    return {
        int(cell): (number(city[i]), number(city[i + 1]))
        for i, cell in enumerate(header)
        if cell.strip().isdigit()
    }


def lait_appeal_rates() -> dict[int, float]:
    path = REFERENCE / "lait" / "lait_send_measures_all_las.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return {
            int(r["Years"]): float(r["Values"])
            for r in csv.DictReader(fh)
            if r["Short Desc"] == "SEN_AppealableDec" and r["LA and Regions"] == LA_NAME
        }


# --------------------------------------------------------------------------- random people

SEX_WEIGHTS = {"male": 0.75, "female": 0.25}
ETHNIC_WEIGHTS = {
    "white": 0.44, "asian": 0.18, "black": 0.18, "mixed": 0.12,
    "any_other": 0.04, "chinese": 0.02, "not_known": 0.02,
}  # fmt: skip
NEED_WEIGHTS = {
    "ASD": 0.55, "SLCN": 0.15, "SEMH": 0.12, "MLD": 0.06,
    "SPLD": 0.04, "SLD": 0.03, "PD": 0.03, "HI": 0.02,
}  # fmt: skip
OTHER_NEEDS = {k: v for k, v in NEED_WEIGHTS.items() if k != "ASD"}


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# --------------------------------------------------------------------------- ehc_requests


@dataclass(eq=False)
class Request:
    received: dt.date
    outcome: str
    assessment: str = "pending"
    decided: dt.date | None = None
    issued: dt.date | None = None
    exception: bool = False
    tribunal: bool = False
    attributes: dict[str, str | int] = field(default_factory=dict)


# Requests that did not end in a plan, by calendar year of receipt:
# (request outcome, assessment outcome, went to mediation or tribunal). A request that was not
# assessed has no assessment outcome.
OTHER_REQUESTS: dict[int, list[tuple[str, str, bool]]] = {
    2019: [("not_assess", "", True), ("not_assess", "", False),
           ("assess", "not_issued", False)],
    2020: [("not_assess", "", True), ("withdrawn", "", False)],
    2021: [("not_assess", "", False), ("not_assess", "", False)],
    2022: [("not_assess", "", True), ("assess", "withdrawn", False),
           ("assess", "not_issued", True)],
    2023: [("withdrawn", "", False), ("assess", "not_issued", True)],
    2024: [("assess", "not_issued", False), ("withdrawn", "", False)],
    2025: [("not_assess", "", False), ("assess", "not_issued", False),
           ("withdrawn", "", False)],
    2026: [("not_assess", "", False), ("assess", "pending", False),
           ("assess", "pending", False), ("assess", "pending", False),
           ("pending", "pending", False), ("pending", "pending", False)],
}  # fmt: skip
WAITING_SUPPORT_SHARE = {2019: 0.6, 2020: 0.6, 2021: 0.65, 2022: 0.7, 2023: 0.8, 2024: 0.9}


def decision_days(rng: random.Random, year: int) -> int:
    late_share = 0.2 if year <= 2021 else 0.08
    return rng.randint(43, 58) if rng.random() < late_share else rng.randint(18, 42)


def attribute_plan(
    rng: random.Random, kinds: list[tuple[bool, bool]], topics: dict[str, dict[str, Timeliness]]
) -> list[dict[str, str | int]]:
    """Give each plan the sex, ethnic group and age DfE's breakdowns say plans of its kind had."""
    out: list[dict[str, str | int]] = [{} for _ in kinds]
    for column, groups in topics.items():
        by_kind: dict[tuple[bool, bool], list[str]] = {}
        for group, figures in sorted(groups.items()):
            for kind in figures.kinds():
                by_kind.setdefault(kind, []).append(group)
        if Counter({k: len(v) for k, v in by_kind.items()}) != Counter(kinds):
            raise ValueError(f"the {column} breakdown does not add up to the headline")
        for groups_of_kind in by_kind.values():
            rng.shuffle(groups_of_kind)
        for attrs, kind in zip(out, kinds, strict=True):
            group = by_kind[kind].pop()
            if column == "ethnic_group":
                attrs[column] = major_group(group)
            elif column == "sex":
                attrs[column] = group.lower()
            elif group.startswith("age "):
                attrs[column] = int(group.removeprefix("age "))
    return out


def plan_requests(
    rng: random.Random, year: int, figures: Timeliness, topics: dict[str, dict[str, Timeliness]]
) -> list[Request]:
    kinds = figures.kinds()
    rng.shuffle(kinds)
    attrs = attribute_plan(rng, kinds, topics)
    last = min(dt.date(year, 12, 12), TODAY - dt.timedelta(days=10))
    first = dt.date(year, 2, 1)
    span = (last - first).days
    out = []
    for i, ((exception, within), extra) in enumerate(zip(kinds, attrs, strict=True)):
        offset = int(span * (i + rng.uniform(0.15, 0.85)) / len(kinds))
        issued = working_day(first + dt.timedelta(days=offset))
        if within:
            days = rng.randint(91, 140)
        else:
            days = rng.randint(150, 300) if exception else rng.randint(145, 230)
        received = issued - dt.timedelta(days=days)
        out.append(
            Request(
                received=received,
                outcome="assess",
                assessment="plan_issued",
                decided=working_day(
                    received + dt.timedelta(days=min(decision_days(rng, year), days - 35))
                ),
                issued=issued,
                exception=exception,
                attributes=extra,
            )
        )
    if year == 2023:
        # Edge cases for the period and boundary logic: a request received in December whose
        # plan is issued the next January (it counts in 2023, the year of issue), and a plan
        # issued on exactly day 140, which is still within 20 weeks.
        if not all(r.issued and r.issued - r.received <= dt.timedelta(days=140) for r in out):
            raise ValueError("the 2023 edge cases assume every 2023 plan was within 20 weeks")
        out[0].received, out[0].decided = dt.date(2022, 12, 5), dt.date(2022, 12, 21)
        out[0].issued = dt.date(2023, 1, 27)
        assert out[1].issued is not None
        out[1].received = out[1].issued - dt.timedelta(days=140)
        out[1].decided = working_day(out[1].received + dt.timedelta(days=39))
        out[1].tribunal = True  # an appeal about the content of the plan
    return out


def other_requests(rng: random.Random, year: int) -> list[Request]:
    out = []
    for outcome, assessment, tribunal in OTHER_REQUESTS.get(year, []):
        if outcome == "pending":
            received = random_day(rng, dt.date(2026, 11, 2), dt.date(2026, 11, 20))
        elif year == TODAY.year and assessment in ("pending", ""):
            received = random_day(rng, dt.date(year, 7, 1), dt.date(year, 9, 30))
        else:
            received = random_day(rng, dt.date(year, 1, 10), dt.date(year, 9, 30))
        decided = None
        if outcome in ("assess", "not_assess"):
            decided = working_day(received + dt.timedelta(days=decision_days(rng, year)))
        out.append(Request(received, outcome, assessment, decided, tribunal=tribunal))
    return out


def ehc_requests() -> tuple[list[Row], list[Request]]:
    rng = rng_for("ehc_requests")
    headline, breakdowns = official_timeliness()
    figures = headline | {y: Timeliness(*v) for y, v in SYNTHETIC_TIMELINESS.items()}
    requests: list[Request] = []
    for year in sorted(figures):
        requests += plan_requests(rng, year, figures[year], breakdowns.get(year, {}))
    for year in sorted(OTHER_REQUESTS):
        requests += other_requests(rng, year)
    requests.sort(key=lambda r: (r.received, r.issued or TODAY))
    # Families not offered support while waiting: the intended share of each year's assessments.
    not_offered: list[Request] = []
    for year in sorted({r.received.year for r in requests}):
        assessed = [r for r in requests if r.received.year == year and r.outcome == "assess"]
        share = WAITING_SUPPORT_SHARE.get(year, 1.0)
        not_offered += rng.sample(assessed, round((1 - share) * len(assessed)))
    rows = []
    for i, r in enumerate(requests, start=1):
        offered = r not in not_offered if r.outcome == "assess" else rng.random() < 0.85
        age = r.attributes.get("age")
        rows.append(
            {
                "case_ref": f"DEMO-REQ-{i:04d}",
                "request_received_date": fmt(r.received),
                "request_decision_date": fmt(r.decided),
                "request_outcome": r.outcome,
                "assessment_outcome": r.assessment or None,
                "plan_issued_date": fmt(r.issued),
                "exception_20_weeks": yes_no(r.exception),
                "mediation_or_tribunal": yes_no(r.tribunal),
                "age_at_request": str(age if age is not None else rng.choice(REQUEST_AGES)),
                "sex": str(r.attributes.get("sex") or pick(rng, SEX_WEIGHTS)),
                "ethnic_group": str(r.attributes.get("ethnic_group") or pick(rng, ETHNIC_WEIGHTS)),
                "primary_need": pick(rng, NEED_WEIGHTS),
                "waiting_support_offered": yes_no(offered),
            }
        )
    return rows, requests


REQUEST_AGES = (2, 3, 3, 4, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)


# --------------------------------------------------------------------------- ehc_plans


@dataclass(eq=False)  # children are compared by identity: two may look alike
class Child:
    birth: dt.date
    sex: str
    ethnic_group: str
    need: str
    short_breaks: bool
    present: set[int] = field(default_factory=set)  # January census years
    in_nov_2024: bool = False
    start: dt.date | None = None  # when the plan began (not published; drives annual reviews)


def split_attribute(
    before: Counter[str], after: Counter[str], stayers: int
) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """Counts for children who stay, leave and join between two censuses."""
    stay = Counter({k: min(before[k], after[k]) for k in before | after})
    while sum(stay.values()) > stayers:
        largest = max(stay, key=lambda k: (stay[k], k))
        stay[largest] -= 1
    if sum(stay.values()) != stayers:
        raise ValueError("the published breakdowns cannot be squared with the headline counts")
    return stay, before - stay, after - stay


def deal(rng: random.Random, counts: Counter[str]) -> list[str]:
    items = sorted(counts.elements())
    rng.shuffle(items)
    return items


def new_child(rng: random.Random, census_year: int, age: int) -> Child:
    birth = quiet_birthday(rng, census_year - age - 1)
    return Child(
        birth=birth,
        sex=pick(rng, SEX_WEIGHTS),
        ethnic_group=pick(rng, ETHNIC_WEIGHTS),
        need=pick(rng, NEED_WEIGHTS),
        short_breaks=rng.random() < 0.45,
    )


def build_caseload(
    rng: random.Random, caseload: Caseload, new_plans: dict[int, int]
) -> list[Child]:
    """Children whose plans are active at each census, agreeing with every published count."""
    y0, y1 = 2024, 2025  # the two censuses DfE breaks down by age, sex and ethnicity
    ages0 = sorted(caseload.ages[y0].elements())
    ages1 = Counter(caseload.ages[y1])
    pairs: list[tuple[int, int]] = []
    leavers: list[int] = []
    for age in ages0:
        if ages1[age + 1] > 0:
            ages1[age + 1] -= 1
            pairs.append((age, age + 1))
        else:
            leavers.append(age)
    joiners = sorted(ages1.elements())
    stayers = len(pairs)

    attributes: dict[str, tuple[list[str], list[str], list[str]]] = {}
    for name, table in (("sex", caseload.sexes), ("ethnic_group", caseload.ethnic_groups)):
        stay, leave, join = split_attribute(table[y0], table[y1], stayers)
        attributes[name] = (deal(rng, stay), deal(rng, leave), deal(rng, join))

    def make(age: int, census_year: int, group: int, i: int) -> Child:
        child = new_child(rng, census_year, age)
        child.sex = attributes["sex"][group][i]
        child.ethnic_group = attributes["ethnic_group"][group][i]
        return child

    staying = [make(a1, y1, 0, i) for i, (_, a1) in enumerate(pairs)]
    leaving = [make(a0, y0, 1, i) for i, a0 in enumerate(leavers)]
    joining = [make(a1, y1, 2, i) for i, a1 in enumerate(joiners)]
    for child in staying:
        child.present |= {y0, y1}
    for child in leaving:
        child.present.add(y0)
    for child in joining:
        child.present.add(y1)
        child.start = random_day(rng, census_day(y0) + dt.timedelta(days=1), NOV_2024)
    november = staying + joining
    for child in november:
        child.in_nov_2024 = True

    # The strategy's November 2024 profile, on the same children as the January 2025 census.
    profile = STRATEGY_PROFILE
    if len(november) != profile["plans"]:
        raise ValueError("January 2025 and November 2024 should both have the strategy's 26")
    if sum(c.sex == "male" for c in november) != profile["male"]:
        raise ValueError("DfE's January 2025 sex split differs from the strategy's")
    if sum(c.ethnic_group in GLOBAL_MAJORITY for c in november) != profile["global_majority"]:
        raise ValueError("DfE's January 2025 ethnicity split differs from the strategy's")
    needs = ["ASD"] * profile["asd"]
    needs += [pick(rng, OTHER_NEEDS) for _ in range(len(november) - len(needs))]
    breaks = [True] * profile["short_breaks"] + [False] * (len(november) - profile["short_breaks"])
    rng.shuffle(needs)
    rng.shuffle(breaks)
    for child, need, short_breaks in zip(november, needs, breaks, strict=True):
        child.need, child.short_breaks = need, short_breaks
    # Children who turned 12 between 30 November 2024 and the January 2025 census were under 12
    # in November: as many as it takes to reach the strategy's 10 under 12.
    turned_12 = profile["under_12"] - sum(age_on(c.birth, census_day(y1)) < 12 for c in november)
    twelves = [c for c in november if age_on(c.birth, census_day(y1)) == 12]
    if not 0 <= turned_12 <= len(twelves):
        raise ValueError("cannot reach the strategy's under-12 count from DfE's ages")
    for child in rng.sample(twelves, turned_12):
        child.birth = dt.date(child.birth.year, 12, rng.randint(2, 28))

    children = staying + leaving + joining
    # Earlier censuses, working backwards: each year some children joined (at least the plans
    # DfE says were issued that year) and some left (aged out, moved away or needs met).
    first = min(caseload.plans)
    joins = {
        y: max(new_plans.get(y, 0), caseload.plans[y + 1] - caseload.plans[y] + 1)
        for y in range(first, y0)
    }

    def too_young(child: Child, year: int) -> bool:
        return age_on(child.birth, census_day(year)) < 3

    def fits(staying_on: list[Child], year: int) -> bool:
        """Children still present can all have joined before they were three."""
        return all(
            sum(too_young(c, z) for c in staying_on) <= sum(joins[w] for w in range(z, year))
            for z in range(first, year)
        )

    for year in range(y0 - 1, first - 1, -1):
        later = [c for c in children if year + 1 in c.present]
        joined = [c for c in later if too_young(c, year)]
        youngest_first = sorted(later, key=lambda c: c.birth, reverse=True)
        while not fits([c for c in later if c not in joined], year):
            joined.append(next(c for c in youngest_first if c not in joined))
        rest = [c for c in later if c not in joined]
        joined += rng.sample(rest, joins[year] - len(joined))
        for child in later:
            if child not in joined:
                child.present.add(year)
        for child in joined:
            child.start = random_day(
                rng, census_day(year) + dt.timedelta(days=1), census_day(year + 1)
            )
        growth = caseload.plans[year + 1] - caseload.plans[year]
        for _ in range(joins[year] - growth):
            age = rng.randint(15, 22) if rng.random() < 0.7 else rng.randint(6, 14)
            child = new_child(rng, year, age)
            child.present.add(year)
            children.append(child)
    for child in children:
        if child.start is None:
            earliest = max(child.birth + dt.timedelta(days=2 * 365), dt.date(2014, 9, 1))
            began = min(child.present)
            latest = census_day(began) - dt.timedelta(days=1)
            if began > first:
                earliest = max(earliest, census_day(began - 1) + dt.timedelta(days=1))
            child.start = random_day(rng, earliest, latest)

    # A synthetic census in January 2026.
    y2 = y1 + 1
    current = [c for c in children if y1 in c.present]
    growth = SYNTHETIC_PLANS_JAN_2026 - len(current)
    n_join = max(SYNTHETIC_TIMELINESS[y1][0], growth + 1)
    by_age = sorted(current, key=lambda c: (c.birth, c.sex))
    leaving_2025 = by_age[:2] + rng.sample(by_age[2:], n_join - growth - 2)
    for child in current:
        if child not in leaving_2025:
            child.present.add(y2)
    for _ in range(n_join):
        child = new_child(rng, y2, rng.choice(REQUEST_AGES))
        child.present.add(y2)
        child.start = random_day(rng, census_day(y1) + dt.timedelta(days=1), census_day(y2))
        children.append(child)
    return children


# Share of annual reviews the young person actively took part in, by the calendar year of the
# reviews a snapshot looks back on. The strategy: 100% in 2023.
INVOLVED_SHARE = {2018: 0.75, 2019: 0.8, 2020: 0.8, 2021: 0.85, 2022: 1.0, 2023: 1.0,
                  2024: 0.96, 2025: 0.96}  # fmt: skip


def ehc_plans() -> list[Row]:
    rng = rng_for("ehc_plans")
    caseload = official_caseload()
    headline, _ = official_timeliness()
    new_plans = {y: t.issued for y, t in headline.items()}
    children = build_caseload(rng, caseload, new_plans)
    children.sort(key=lambda c: (c.start or TODAY, c.birth))
    refs = {id(c): f"DEMO-PLAN-{i:03d}" for i, c in enumerate(children, start=1)}

    snapshots: list[tuple[dt.date, int | None]] = [
        (census_day(y), y) for y in sorted({y for c in children for y in c.present})
    ]
    snapshots.append((NOV_2024, None))
    snapshots.sort()
    involved: dict[tuple[int, int], bool] = {}
    rows = []
    for day, census_year in snapshots:
        # January snapshots look back on last year's reviews; November's on this year's.
        review_year = day.year - 1 if day.month == 1 else day.year
        here = [c for c in children if (census_year in c.present if census_year else c.in_nov_2024)]
        held = {
            id(c): c.start is not None and c.start <= day - dt.timedelta(days=365) for c in here
        }
        if review_year in (2020, 2021):
            missed = rng.sample(
                [c for c in here if held[id(c)]], 1
            )  # a review missed in the pandemic
            held[id(missed[0])] = False
        new = [c for c in here if held[id(c)] and (id(c), review_year) not in involved]
        left_out = rng.sample(new, round((1 - INVOLVED_SHARE[review_year]) * len(new)))
        for child in new:
            involved[(id(child), review_year)] = child not in left_out
        for child in here:
            took_part = involved.get((id(child), review_year))
            rows.append(
                {
                    "case_ref": refs[id(child)],
                    "snapshot_date": fmt(day),
                    "age": str(age_on(child.birth, day)),
                    "sex": child.sex,
                    "ethnic_group": child.ethnic_group,
                    "primary_need": child.need,
                    "short_breaks": yes_no(child.short_breaks),
                    "annual_review_held": yes_no(held[id(child)]),
                    "cyp_involved_in_review": yes_no(bool(took_part)) if held[id(child)] else None,
                }
            )
    rows.sort(key=lambda r: (as_date(r["snapshot_date"]), r["case_ref"]))
    return rows


def as_date(text: str | None) -> dt.date:
    assert text is not None
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


# --------------------------------------------------------------------------- ap_placements

# (child, start, end, placed by, notified, quality assured, Panel rating, SEN status)
PLACEMENTS: list[tuple[str, str, str | None, str, bool, bool, str, str]] = [
    ("A01", "2021-10-04", "2022-01-14", "school", False, True, "not_rated", "sen_support"),
    ("A02", "2022-03-07", "2022-07-22", "local_authority", True, True, "adequate", "ehc_plan"),
    ("A03", "2022-11-14", "2023-03-31", "school", False, False, "not_rated", "sen_support"),
    ("A04", "2023-05-08", "2023-12-15", "school", True, True, "adequate", "sen_support"),
    ("A05", "2024-02-26", "2024-07-19", "school", True, True, "high", "sen_support"),
    ("A06", "2024-10-07", "2025-04-04", "local_authority", True, True, "high", "sen_support"),
    ("A06", "2025-04-28", "2025-07-18", "school", True, True, "high", "sen_support"),
    ("A07", "2025-09-22", "2026-02-06", "school", True, True, "high", "sen_support"),
    ("A08", "2026-01-19", None, "school", True, True, "adequate", "ehc_plan"),
    ("A09", "2026-09-21", None, "school", True, True, "not_rated", "none"),
]


def iso(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def ap_placements() -> list[Row]:
    # The City had one child in alternative provision in November 2024 (the strategy), and DfE
    # counted no EHC plan holder in AP at the censuses of 2020-2025: the list above honours both.
    census_ap = official_ap_at_census()
    for year, n in census_ap.items():
        day = census_day(year)
        open_ehcp = sum(
            1
            for _, start, end, *_, status in PLACEMENTS
            if status == "ehc_plan" and iso(start) <= day and (end is None or day <= iso(end))
        )
        if open_ehcp > n:
            raise ValueError(f"more EHC plan holders in AP at the {year} census than DfE counted")
    rows = []
    for i, (child, start, end, by, notified, qa, rating, status) in enumerate(PLACEMENTS, 1):
        rows.append(
            {
                "placement_ref": f"DEMO-AP-{i:03d}",
                "child_ref": f"DEMO-CYP-{child}",
                "start_date": fmt(iso(start)),
                "end_date": fmt(iso(end)) if end else None,
                "placed_by": by,
                "notified_to_la": yes_no(notified),
                "provider_quality_assured": yes_no(qa),
                "panel_quality_rating": rating,
                "sen_status": status,
            }
        )
    return rows


# --------------------------------------------------------------------------- work_opportunities

# Per academic year (starting year): (type, month offered, SEN status, taken up). DfE counted no
# EHC plan holder in a work-based placement at the January 2025 census, so 2024/25 placements
# of plan holders start after it.
OPPORTUNITIES: dict[int, list[tuple[str, int, str, bool]]] = {
    2021: [("supported_internship", 10, "ehc_plan", True),
           ("apprenticeship", 3, "sen_support", False)],
    2022: [("supported_internship", 9, "ehc_plan", True),
           ("traineeship", 1, "sen_support", True)],
    2023: [("supported_internship", 9, "ehc_plan", True),
           ("apprenticeship", 11, "sen_support", True),
           ("supported_internship", 4, "ehc_plan", False)],
    2024: [("apprenticeship", 10, "sen_support", True),
           ("traineeship", 11, "ehc_plan", False),
           ("supported_internship", 2, "ehc_plan", True),
           ("supported_internship", 5, "ehc_plan", True)],
    2025: [("supported_internship", 9, "ehc_plan", True),
           ("supported_internship", 9, "ehc_plan", True),
           ("apprenticeship", 10, "ehc_plan", True),
           ("supported_internship", 1, "ehc_plan", True),
           ("apprenticeship", 3, "sen_support", False),
           ("traineeship", 5, "sen_support", True)],
    2026: [("supported_internship", 9, "ehc_plan", True),
           ("supported_internship", 9, "ehc_plan", True),
           ("apprenticeship", 10, "ehc_plan", True),
           ("apprenticeship", 11, "sen_support", False)],
}  # fmt: skip


def work_opportunities() -> list[Row]:
    rng = rng_for("work_opportunities")
    offers = []
    for start_year, items in OPPORTUNITIES.items():
        for kind, month, status, taken in items:
            year = start_year if month >= 9 else start_year + 1
            first = dt.date(year, month, 1)
            last = min(dt.date(year, month, 28), TODAY - dt.timedelta(days=7))
            offers.append((working_day(random_day(rng, first, last)), kind, status, taken))
    offers.sort()
    return [
        {
            "opportunity_ref": f"DEMO-WO-{i:03d}",
            "opportunity_type": kind,
            "offered_date": fmt(day),
            "taken_up": yes_no(taken),
            "sen_status": status,
        }
        for i, (day, kind, status, taken) in enumerate(offers, start=1)
    ]


# --------------------------------------------------------------------------- survey_responses

SURVEYS: list[tuple[str, str, tuple[str, ...], list[tuple[str, int, float]]]] = [
    # (code, respondent group, questions, [(first day, respondents, share positive)])
    ("PC", "parent_carer", ("iag_offer_good", "transition_iag_benefit",
                            "wider_workforce_awareness"),
     [("2024-02-05", 22, 0.55), ("2025-02-03", 27, 0.62), ("2026-02-02", 31, 0.71)]),
    ("FA", "family", ("transition_iag_benefit",),
     [("2023-07-03", 15, 0.50), ("2024-07-01", 18, 0.58), ("2025-07-07", 21, 0.66),
      ("2026-07-06", 19, 0.70)]),
    ("YP", "young_person", ("felt_included_universal", "wider_workforce_awareness"),
     [("2023-11-06", 15, 0.47), ("2024-11-04", 17, 0.55), ("2025-11-03", 20, 0.65)]),
    ("PF", "professional", ("prof_knowledge_improved",),
     [("2023-06-12", 28, 0.60), ("2024-06-10", 33, 0.66), ("2025-06-09", 37, 0.74),
      ("2026-06-08", 40, 0.78)]),
]  # fmt: skip
QUESTION_SHIFT = {"transition_iag_benefit": -0.04, "wider_workforce_awareness": -0.08}


def answers(rng: random.Random, n: int, positive: float) -> list[str]:
    """n answers with the intended share positive (of those who did not answer don't know)."""
    dont_know = round(0.07 * n)
    agreeing = round(positive * (n - dont_know))
    strongly = round(0.4 * agreeing)
    rest = n - dont_know - agreeing
    neither, disagree = round(0.45 * rest), round(0.4 * rest)
    out = (
        ["strongly_agree"] * strongly
        + ["agree"] * (agreeing - strongly)
        + ["neither"] * neither
        + ["disagree"] * disagree
        + ["strongly_disagree"] * (rest - neither - disagree)
        + ["dont_know"] * dont_know
    )
    rng.shuffle(out)
    return out


def survey_responses() -> list[Row]:
    rng = rng_for("survey_responses")
    rows = []
    for code, group, questions, rounds in SURVEYS:
        for first, respondents, positive in rounds:
            start = iso(first)
            refs = [f"DEMO-{code}{start.year % 100:02d}-{n:03d}" for n in range(1, respondents + 1)]
            days = {ref: start + dt.timedelta(days=rng.randint(0, 20)) for ref in refs}
            for question in questions:
                # In a survey of several questions, a few respondents skip one.
                skipped = set(rng.sample(refs, 1 if len(questions) > 1 else 0))
                answering = [ref for ref in refs if ref not in skipped]
                share = positive + QUESTION_SHIFT.get(question, 0.0)
                for ref, response in zip(
                    answering, answers(rng, len(answering), share), strict=True
                ):
                    rows.append(
                        {
                            "response_ref": ref,
                            "response_date": fmt(days[ref]),
                            "respondent_group": group,
                            "question": question,
                            "response": response,
                        }
                    )
    rows.sort(key=lambda r: (as_date(r["response_date"]), r["response_ref"], r["question"]))
    return rows


# --------------------------------------------------------------------------- codesign_activities

# (title, priority, start, completed, involved from start, feedback given, felt heard)
ACTIVITIES: list[tuple[str, str, str, str | None, bool, bool, bool]] = [
    ("Inclusive play area consultation", "4", "2024-11-04", "2025-03-14", False, False, True),
    ("Local Offer website review with the City Parent Carer Forum", "1", "2025-04-14",
     "2025-09-30", True, True, True),
    ("Inclusive youth and play sessions", "4", "2025-06-02", "2026-02-20", True, True, True),
    ("Parent carer emotional wellbeing peer support", "1", "2025-09-15", "2026-07-10",
     True, True, False),
    ("Transition information pack for families", "2", "2025-11-03", "2026-05-29",
     False, True, True),
    ("Short breaks offer review", "1", "2026-06-01", None, True, False, False),
]  # fmt: skip


def codesign_activities() -> list[Row]:
    return [
        {
            "activity_ref": f"DEMO-CD-{i:03d}",
            "title": title,
            "priority": priority,
            "start_date": fmt(iso(start)),
            "completed_date": fmt(iso(done)) if done else None,
            "involved_from_start": yes_no(involved),
            "feedback_given": yes_no(feedback),
            "reported_feeling_heard": yes_no(heard),
        }
        for i, (title, priority, start, done, involved, feedback, heard) in enumerate(
            ACTIVITIES, start=1
        )
    ]


# --------------------------------------------------------------------------- panel_requests

HIGH_SHARE = {"2023-24": 0.4, "2024-25": 0.5, "2025-26": 0.7, "2026-27": 0.8}


def financial_year(day: dt.date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def rate(rng: random.Random, n: int, fy: str) -> list[str]:
    high = round(n * HIGH_SHARE[fy])
    low = 1 if fy == "2023-24" and n - high >= 2 else 0
    ratings = ["high"] * high + ["low"] * low + ["adequate"] * (n - high - low)
    rng.shuffle(ratings)
    return ratings


def panel_requests(requests: list[Request]) -> list[Row]:
    """Every decision whether to assess goes to the Panel, as do alternative provision plans."""
    rng = rng_for("panel_requests")
    first_day = dt.date(2023, 4, 1)
    items = [
        (r.decided, "ehc_needs_assessment")
        for r in requests
        if r.decided and r.decided >= first_day and r.outcome in ("assess", "not_assess")
    ]
    for _, start, _, _, _, _, rating, _ in PLACEMENTS:
        day = working_day(iso(start) - dt.timedelta(days=rng.randint(7, 20)))
        if rating != "not_rated" and day >= first_day:
            items.append((day, "alternative_provision"))
    for fy_start in range(2023, 2027):
        for _ in range(2):
            day = working_day(
                random_day(rng, dt.date(fy_start, 4, 20), dt.date(fy_start + 1, 3, 15))
            )
            if day <= TODAY - dt.timedelta(days=7):
                items.append((day, "other"))
    items.sort()
    by_group: dict[tuple[str, str], list[int]] = {}
    for i, (day, kind) in enumerate(items):
        by_group.setdefault((financial_year(day), kind), []).append(i)
    ratings: dict[int, str] = {}
    for (fy, _), indexes in sorted(by_group.items()):
        ratings |= dict(zip(indexes, rate(rng, len(indexes), fy), strict=True))
    return [
        {
            "request_ref": f"DEMO-PR-{i + 1:04d}",
            "panel_date": fmt(day),
            "request_type": kind,
            "quality_rating": ratings[i],
        }
        for i, (day, kind) in enumerate(items)
    ]


# --------------------------------------------------------------------------- milestones

REVIEW_DATES = [dt.date(2025, 6, 30), dt.date(2025, 9, 30), dt.date(2025, 12, 31),
                dt.date(2026, 3, 31), dt.date(2026, 6, 30), dt.date(2026, 9, 30)]  # fmt: skip


@dataclass(frozen=True)
class Milestone:
    id: str
    priority: str
    action: str
    lead: str
    due: str
    # Status at each quarterly review: n not started, p in progress, r at risk, d delayed,
    # c complete.
    path: str
    # Evidence for each quarter worked on, in order (the last one repeats); when the milestone
    # completes, the final note is the evidence of completion.
    notes: tuple[str, ...]
    completed: str | None = None


STATUS = {"n": "not_started", "p": "in_progress", "r": "at_risk", "d": "delayed", "c": "complete"}

MILESTONES = (
    Milestone("p1_support_offer_codesign", "1",
              "Co-design our approach to supporting families with children, young people and "
              "families, including therapies and services delivered in or close to the City",
              "Head of Early Help", "2026-12-31", "ppprpp",
              ("Scoping workshop held with the City Parent Carer Forum",
               "Two co-design sessions held with families and young people",
               "Themes from the sessions written up and shared with families",
               "Fewer families took part than planned; extra evening sessions booked",
               "Draft support offer shared with families for comment")),
    Milestone("p1_early_identification_equity", "1",
              "Continue to identify needs early and provide the right support, ensuring equity "
              "across different communities", "Head of SEND and Inclusion", "2027-03-31",
              "pppppp",
              ("Timeliness reported by ethnic group at each Programme Board",
               "Outreach with community groups agreed with Early Help",
               "Early Help and SEND joint triage running")),
    Milestone("p1_waiting_info", "1",
              "Minimise waiting times and give families information and advice while they wait",
              "SEND Service Manager", "2026-03-31", "pppccc",
              ("Waiting-well information pack drafted",
               "Pack tested with three families",
               "Pack sent to every family waiting for an EHC needs assessment"),
              completed="2026-02-27"),
    Milestone("p1_post_assessment_support", "1",
              "Review the support available to families after assessment, whether or not a "
              "diagnosis is made", "Designated Clinical Officer, NHS North East London",
              "2027-09-30", "nnpppp",
              ("Review scope agreed with the City and Hackney child development service",
               "Family experience interviews under way")),
    Milestone("p1_local_offer_review", "1",
              "Strengthen the information, advice and support offer, including reviewing the "
              "Local Offer with the City Parent Carer Forum",
              "Local Offer and Information Officer", "2025-09-30", "pccccc",
              ("Forum members testing the Local Offer pages",
               "Revised Local Offer published after review with the Forum"),
              completed="2025-09-30"),
    Milestone("p1_wellbeing_offer_codesign", "1",
              "Review and co-design the emotional wellbeing offer with parent carers, including "
              "peer support, the City Parent Carer Forum and short breaks",
              "Early Help Service Manager", "2026-09-30", "nppppc",
              ("Parent carer wellbeing survey designed with the Forum",
               "Peer support pilot running with parent carers",
               "Peer support offer agreed with parent carers and launched"),
              completed="2026-07-24"),
    Milestone("p2_asc_eip_review", "2",
              "Review the Adult Social Care Early Intervention and Prevention offer so it can "
              "give young people with SEND short-term support to learn life skills",
              "Head of Adult Social Care", "2026-03-31", "pppddc",
              ("Review terms of reference agreed",
               "Access pathway options drafted",
               "Young people consulted on the access pathways",
               "Review delayed while the offer is recommissioned",
               "Review report accepted by the Programme Board"),
              completed="2026-08-14"),
    Milestone("p2_transition_info", "2",
              "Review and strengthen support and information for families at transitions, "
              "including between schools and in-year moves",
              "Preparing for Adulthood Lead", "2027-07-31", "nppppp",
              ("Transition information audit started",
               "Audit findings shared with the Forum",
               "Transition pack co-designed with families")),
    Milestone("p2_si_apprenticeship_promotion", "2",
              "Promote and deliver supported internships and apprenticeships with young people "
              "with SEND and support them through applications",
              "Employability and Skills Manager", "2029-03-31", "pppppp",
              ("Employer engagement plan agreed",
               "Supported internship places confirmed for September",
               "Application support sessions running termly")),
    Milestone("p2_transition_support_codesign", "2",
              "Co-design the support offer for parent carers at key transitions, including to "
              "and from alternative provision", "SEND Service Manager", "2027-03-31", "nnpprp",
              ("Co-design group recruited through the Forum",
               "First co-design session held",
               "Two sessions postponed; dates reset with parent carers",
               "Draft offer under discussion with parent carers")),
    Milestone("p3_schools_signposting", "3",
              "Work with the schools and early years settings City children attend to "
              "strengthen SEND support and signposting",
              "Education and Early Years Service Manager", "2027-12-31", "pppppp",
              ("Termly SENDCO briefing established",
               "Signposting guide drafted with SENDCOs",
               "Signposting guide shared with 70 schools")),
    Milestone("p3_send_ranges", "3",
              "Raise the profile of the City of London SEND Ranges across settings, including "
              "schools outside the City", "SEND Inclusion Adviser", "2026-12-31", "pppppp",
              ("SEND Ranges refresher sessions planned",
               "Sessions delivered to City settings",
               "Sessions delivered to settings outside the City")),
    Milestone("p3_communities_of_practice", "3",
              "Engage professionals with communities of practice and networks and make sure "
              "they take the learning back", "Designated Clinical Officer, NHS North East London",
              "2028-03-31", "pppppp",
              ("Network attendance recorded for City professionals",
               "Learning summaries shared after each network")),
    Milestone("p3_awareness_plan", "3",
              "Develop and deliver a plan to raise awareness of SEND within the wider workforce",
              "Workforce Development Manager", "2026-03-31", "pppccc",
              ("Awareness plan drafted with parent carers",
               "Plan consulted on with departments",
               "Plan agreed; sessions scheduled for the year"),
              completed="2026-03-12"),
    Milestone("p4_leader_advocacy", "4",
              "Senior leaders and the Carers and SEND Member Champion advocate for SEND across "
              "City communities", "Assistant Director People", "2029-03-31", "pppppp",
              ("Advocacy log started",
               "SEND featured at community events and committees")),
    Milestone("p4_universal_services_review", "4",
              "Review the inclusiveness of universal services such as youth and play, and "
              "strengthen offers with providers", "Commissioning Manager, Children and Families",
              "2027-03-31", "nprppp",
              ("Inclusion audit of youth and play services started",
               "Provider capacity limits the audit; extra support agreed",
               "Audit findings shared with providers")),
    Milestone("p4_codesign_with_cpcf", "4",
              "Co-design services and other initiatives with the City Parent Carer Forum and "
              "young people with SEND", "Participation and Engagement Lead", "2029-03-31",
              "pppppp",
              ("Co-design charter agreed with the Forum",
               "Co-design projects tracked against the three tests")),
    Milestone("p5_school_notification", "5",
              "Strengthen relationships with schools outside the City so they tell us when a "
              "City child is placed in alternative provision", "Virtual School Head",
              "2026-08-31", "pppppc",
              ("Notification request sent to schools",
               "Notification form agreed with neighbouring authorities",
               "Schools notifying every placement"),
              completed="2026-07-17"),
    Milestone("p5_ap_qa_framework", "5",
              "Embed the alternative provision quality assurance framework in the SEND and AP "
              "Panel process, including tuition services", "Chair of the SEND and AP Panel",
              "2026-06-30", "ppppcc",
              ("Framework checklist trialled at Panel",
               "Tuition providers added to the framework",
               "Framework used for every placement at Panel"),
              completed="2026-06-17"),
    Milestone("p5_panel_monitoring", "5",
              "Monitor the quality of support each child in alternative provision receives "
              "through the SEND and AP Panel", "Chair of the SEND and AP Panel", "2029-03-31",
              "pppppp",
              ("Placement reviews added to the Panel agenda",
               "Outcomes recorded for each placement review")),
)  # fmt: skip


def evidence(m: Milestone, quarter: int) -> str:
    status = STATUS[m.path[quarter]]
    if status == "not_started":
        return "Not started yet; planned for a later quarter"
    if status == "complete":
        return m.notes[-1]
    worked = m.path[:quarter].count("n")
    notes = m.notes[:-1] if m.completed else m.notes
    return notes[min(quarter - worked, len(notes) - 1)]


def milestone_rows() -> list[Row]:
    rows = []
    for m in MILESTONES:
        done = m.path.find("c")
        if len(m.path) != len(REVIEW_DATES) or (done >= 0) != bool(m.completed):
            raise ValueError(f"milestone {m.id} is inconsistent")
        if m.completed:
            after = REVIEW_DATES[done - 1] if done > 0 else dt.date.min
            if not after < iso(m.completed) <= REVIEW_DATES[done]:
                raise ValueError(f"milestone {m.id} completed outside its quarter")
    for quarter, day in enumerate(REVIEW_DATES):
        for m in MILESTONES:
            status = STATUS[m.path[quarter]]
            completed = iso(m.completed) if m.completed and status == "complete" else None
            rows.append(
                {
                    "milestone_id": m.id,
                    "priority": m.priority,
                    "action": m.action,
                    "lead": m.lead,
                    "due_date": fmt(iso(m.due)),
                    "status": status,
                    "completed_date": fmt(completed),
                    "status_date": fmt(day),
                    "evidence": evidence(m, quarter),
                }
            )
    return rows


# --------------------------------------------------------------------------- indicator_values

SEASON = {1: 1.08, 2: 1.0, 3: 1.0, 4: 0.93, 5: 0.98, 6: 0.97, 7: 0.9, 8: 0.78, 9: 1.15,
          10: 1.06, 11: 1.03, 12: 0.82}  # fmt: skip
SEN_SUPPORT = {"2020-01": 33, "2021-01": 36, "2022-01": 39, "2023-01": 37, "2024-01": 41,
               "2024-11": SEN_SUPPORT_NOV_2024, "2025-01": 44, "2026-01": 46}  # fmt: skip
QUARTERS = ("2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3")
AWARENESS_SESSIONS = (1, 2, 2, 4, 5, 6)
ADVOCACY_ACTIVITIES = (2, 3, 2, 4, 5, 4)
PCF_MEMBERS = {2022: 31, 2023: 42, 2024: PCF_MEMBERS_2024, 2025: 61, 2026: 67}


def value_row(indicator: str, period: str, count: int | None = None,
              numerator: int | None = None, denominator: int | None = None) -> Row:  # fmt: skip
    return {
        "indicator_id": indicator,
        "period": period,
        "breakdown": None,
        "breakdown_group": None,
        "count": None if count is None else str(count),
        "numerator": None if numerator is None else str(numerator),
        "denominator": None if denominator is None else str(denominator),
    }


def indicator_values() -> list[Row]:
    rng = rng_for("indicator_values")
    rows = []
    review_done = dt.date(2025, 10, 1)  # the month after the Local Offer review completed
    month = dt.date(2023, 1, 1)
    while month <= dt.date(2026, 10, 1):
        years = (month - dt.date(2023, 1, 1)).days / 365.25
        lift = 1.0
        if month >= review_done:
            months_since = (month.year - 2025) * 12 + month.month - 10
            lift = 1.22 + min(months_since, 8) * 0.02
        hits = 410 * (1 + 0.02 * years) * SEASON[month.month] * lift * rng.gauss(1, 0.05)
        rows.append(value_row("local_offer_hits", month.strftime("%Y-%m"), count=round(hits)))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    rows += [value_row("sen_support_count", p, count=n) for p, n in SEN_SUPPORT.items()]
    rows += [value_row("awareness_sessions_delivered", q, count=n)
             for q, n in zip(QUARTERS, AWARENESS_SESSIONS, strict=True)]  # fmt: skip
    rows += [value_row("leader_advocacy_activities", q, count=n)
             for q, n in zip(QUARTERS, ADVOCACY_ACTIVITIES, strict=True)]  # fmt: skip
    appeals, published = official_appeals(), lait_appeal_rates()
    for year in range(2019, 2025):
        n, d = appeals[year]
        if round(100 * n / d, 1) != round(published[year], 1):
            raise ValueError(f"{year} appeals {n}/{d} do not give LAIT's {published[year]}%")
        rows.append(value_row("tribunal_appeal_rate", str(year), numerator=n, denominator=d))
    rows += [value_row("pcf_membership", str(y), count=n) for y, n in PCF_MEMBERS.items()]
    return rows


# --------------------------------------------------------------------------- writing


# Dates that are plans rather than events, so may lie after today.
FUTURE_ALLOWED = {("milestones", "due_date")}


def check_dates(name: str, rows: Iterable[Row]) -> None:
    date_columns = [
        c.name
        for c in get(name).columns
        if c.type == "date" and (name, c.name) not in FUTURE_ALLOWED
    ]
    for row in rows:
        for column in date_columns:
            if row[column] is not None and as_date(row[column]) > TODAY:
                raise ValueError(f"{name}.{column} has a future date {row[column]}")


def write(name: str, rows: Sequence[Row], out: Path) -> None:
    columns = get(name).column_names
    for row in rows:
        if list(row) != columns:
            raise ValueError(f"{name}: row has columns {list(row)}, expected {columns}")
    check_dates(name, rows)
    frame = pl.DataFrame(
        {c: [r[c] for r in rows] for c in columns}, schema=dict.fromkeys(columns, pl.String)
    )
    frame.write_csv(out / f"{name}.csv", line_terminator="\n")


def build() -> dict[str, list[Row]]:
    request_rows, requests = ehc_requests()
    return {
        "ehc_requests": request_rows,
        "ehc_plans": ehc_plans(),
        "ap_placements": ap_placements(),
        "work_opportunities": work_opportunities(),
        "survey_responses": survey_responses(),
        "codesign_activities": codesign_activities(),
        "panel_requests": panel_requests(requests),
        "milestones": milestone_rows(),
        "indicator_values": indicator_values(),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write the CSVs into")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    data = build()
    # official statistics come from the DfE's own files (metrics.official), never from here
    missing = {d.name for d in DATASETS} - set(data) - OFFICIAL_DATASETS
    if missing:
        raise ValueError(f"no demo data for {sorted(missing)}")
    for name, rows in data.items():
        write(name, rows, args.out)
        print(f"{name}.csv: {len(rows)} rows")


if __name__ == "__main__":
    main()
