"""Read a SEN2 person-level return (the XML each council sends the DfE) into our datasets.

The file is parsed by `defusedxml`, which refuses any document type declaration, so no entity
is ever expanded (a "billion laughs" file is refused, not expanded) and nothing is fetched from
the network. Element names match without regard to case or namespace, and the spellings that
differ between suppliers are read alike (`SENsetting`/`SENSetting`, `WBP`/`WPB`, `RES`/`Res`,
`Sex`/`GenderCurrent`).

Pseudonymised on read: names, birth dates, postcodes, UPNs and ULNs are read only to make the
keyed references (`metrics.pseudonym`) and the age; none of them leaves this module, not even in
a problem's text. Each request becomes an `ehc_requests` row, and each person with active plans
an `ehc_plans` row in the snapshot at the return's ReferenceDate.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

import polars as pl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from metrics import datasets, periods
from metrics.db import store
from metrics.ingest.validate import PROBLEM_SCHEMA, problem
from metrics.periods import PeriodType
from metrics.pseudonym import normalise_name, reference

REQUEST_PREFIX = "SEN2R-"  # a request's reference
PERSON_PREFIX = "SEN2P-"  # a person's reference: the same plan in every snapshot
HIDDEN = "(not shown: it identifies the child)"
GUIDE = "the DfE's SEN2 guide for local authorities"
EXPORT_AGAIN = "Export the SEN2 return again from your case management system, then upload it."

# DfE codes, as the SEN2 guide gives them. H (historical) says the decision was made before
# this collection period: the request was assessed, and the plan issued or transferred in.
REQUEST_OUTCOME = {
    "Y": "assess", "N": "not_assess", "A": "pending", "W": "withdrawn", "H": "assess",
}  # fmt: skip
ASSESSMENT_OUTCOME = {
    "Y": "plan_issued", "N": "not_issued", "A": "pending", "W": "withdrawn", "H": "plan_issued",
}  # fmt: skip
# Sex; older returns give GenderCurrent as 1 male, 2 female, 0 not known, 9 not specified.
SEX = {"M": "male", "F": "female", "1": "male", "2": "female", "0": "not_known", "9": "not_known"}
NEED = ("SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "OTH", "DS")
# The DfE extended ethnicity codes, by the main group our breakdowns use.
_ETHNIC_CODES = {
    "white": "WBRI WCOR WENG WNIR WSCO WWEL WOWB WIRI WIRT WOTH WALB WBOS WCRO WGRE WGRK WGRC "
    "WITA WKOS WPOR WSER WTUR WTUK WTUC WEUR WEEU WWEU WOTW WROM WROG WROR WROO",
    "mixed": "MWBC MWBA MWAS MWAP MWAI MWAO MOTH MAOE MABL MACH MBOE MBCH MCOE MWOE MWCH MOTM",
    "asian": "ABRI AWEL AIND APKN AMPK AKPA AOPK ABAN AOTH AAFR AKAO ANEP ASNL ASLT ASRO AOTA",
    "black": "BBRI BWEL BCRB BAFR BANN BCON BGHA BNGN BSLN BSOM BSUD BAOF BOTH BEUR BNAM BOTB",
    "chinese": "CHNE CHKC CMAL CSNG CTWN COCH",
    "any_other": "OOTH OAFG ORAB OARA OEGY OFIL OIRN OIRQ OJPN OKOR OKRD OLAM OLEB OLIB OMAL "
    "OMRC OPOL OTHA OVIE OYEM OOEG",
    "not_known": "REFU NOBT",
}
ETHNICITY = {code: group for group, codes in _ETHNIC_CODES.items() for code in codes.split()}
_EXAMPLES = {codes.split()[0] for codes in _ETHNIC_CODES.values()}  # one code of each group
# Element names as matched: lower case, and one name for each supplier's spelling.
_ALIASES = {"wpb": "wbp", "gendercurrent": "sex", "uniquelearnernumber": "uln"}
_IDENTIFYING = {"surname", "forename", "personbirthdate", "postcode", "upn", "uln"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FLAGS = ("requestmediation", "requesttribunal")
_ASSESSMENT_FLAGS = ("assessmentmediation", "assessmenttribunal", "othermediation", "othertribunal")


@dataclass
class Sen2Return:
    """A return read: its header, the rows for our datasets, and every problem found."""

    year: str | None = None
    reference_date: dt.date | None = None
    persons: int = 0
    # the rows with row_number (the person's place in the file) and period_key; requests also
    # with `historical` (an H request, which never overrides what is stored)
    requests: pl.DataFrame = field(default_factory=pl.DataFrame)
    plans: pl.DataFrame = field(default_factory=pl.DataFrame)
    undated_historical: int = 0  # historical requests without a received date: plans only
    problems: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PROBLEM_SCHEMA))

    @property
    def ok(self) -> bool:
        return self.problems.height == 0


def looks_like_xml(content: bytes) -> bool:
    """Whether a file is XML (the Upload page sends it here rather than to the CSV reader)."""
    head = content[:512].removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"<")


_SPELLING = "__spelling"  # where `_normalise` keeps the file's own spelling of a tag


def _normalise(root: Element) -> None:
    """Every tag as matched (lower case, no namespace, one spelling per element), once, so that
    finding a child is the parser's own quick lookup; the file's spelling is kept for messages.
    """
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        local = el.tag.rsplit("}", 1)[-1]
        el.set(_SPELLING, local)
        el.tag = _ALIASES.get(local.lower(), local.lower())


def _children(el: Element | None, name: str) -> list[Element]:
    return [] if el is None else el.findall(name)


def _child(el: Element | None, name: str) -> Element | None:
    return None if el is None else el.find(name)


def _text(el: Element | None, name: str) -> str | None:
    c = _child(el, name)
    text = None if c is None or c.text is None else c.text.strip()
    return text or None


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class _Reader:
    """Reads one return, collecting every problem with the person's place in the file."""

    def __init__(self, key: bytes, today: dt.date) -> None:
        self.key = key
        self.today = today
        self.problems: list[dict[str, object]] = []

    def refuse(self, what: str, fix: str = EXPORT_AGAIN) -> None:
        self.problems.append(problem(None, None, "", what, fix))

    def bad(self, person: int, where: str, element: str, value: str, what: str, fix: str) -> None:
        shown = HIDDEN if element.lower() in _IDENTIFYING else value
        self.problems.append(problem(
            person, f"{where}{element}", shown, f"Person {person} in the file: {what}", fix,
        ))  # fmt: skip

    def date(self, el: Element | None, name: str, person: int, where: str) -> dt.date | None:
        text = _text(el, name)
        if text is None:
            return None
        try:
            if not _DATE.match(text):
                raise ValueError
            return dt.date.fromisoformat(text)
        except ValueError:
            self.bad(person, where, _element(el, name), text, "this is not a date we can read.",
                     "SEN2 dates are written YYYY-MM-DD, for example 2025-01-16: correct it in "
                     "the case management system and export the return again.")  # fmt: skip
            return None

    def code(
        self, el: Element | None, name: str, codes: dict[str, str] | tuple[str, ...],
        person: int, where: str,
    ) -> str | None:  # fmt: skip
        text = _text(el, name)
        if text is None:
            return None
        value = text.upper()
        if value in codes:
            return codes[value] if isinstance(codes, dict) else value
        listed = list(codes)
        allowed = ", ".join(listed) if len(listed) <= 20 else (
            f"{len(listed)} codes, for example {', '.join(c for c in listed if c in _EXAMPLES)}"
        )  # fmt: skip
        self.bad(person, where, _element(el, name), text, "this is not a SEN2 code.",
                 f"Use one of the codes in {GUIDE}: {allowed}. Correct it in the case "
                 "management system and export the return again.")  # fmt: skip
        return None

    def flag(self, el: Element | None, name: str, person: int, where: str) -> bool | None:
        text = _text(el, name)
        if text is None:
            return None
        if text in ("1", "0"):
            return text == "1"
        self.bad(person, where, _element(el, name), text, "a SEN2 flag is 1 or 0.",
                 "Correct it to 1 (yes) or 0 (no) and export the return again.")  # fmt: skip
        return None


def _element(el: Element | None, name: str) -> str:
    """The element's name as the file spells it."""
    c = _child(el, name)
    return name if c is None else c.get(_SPELLING, name)


def _parse(content: bytes, reader: _Reader) -> Element | None:
    try:
        # forbid_dtd: a SEN2 return never has a DOCTYPE, and refusing it means no entity is
        # ever declared, let alone expanded or fetched
        return fromstring(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        reader.refuse(
            "The file declares a document type or entities, which a SEN2 return never has; "
            "for safety it was not read any further.",
        )
    except ET.ParseError as err:
        line, column = err.position
        reader.refuse(
            f"The file is not well-formed XML (line {line}, column {column + 1}): it may be cut "
            "short or edited by hand.",
        )
    return None


def _header(root: Element, reader: _Reader, ret: Sen2Return) -> bool:
    if root.tag != "message":
        reader.refuse(
            f"This XML file is not a SEN2 return: its outer element is <{_element_tag(root)}>, "
            "and a SEN2 return's is <Message>.",
            "Upload the SEN2 person-level return (the XML file submitted to the DfE through "
            "COLLECT), or a CSV or Excel file made from our template.",
        )
        return False
    details = _child(_child(root, "header"), "collectiondetails")
    collection = _text(details, "collection")
    if collection is None or collection.upper() != "SEN2":
        reader.refuse(
            f"This XML file is not a SEN2 return: its collection is "
            f"'{collection or 'not given'}', not 'SEN2'.",
            "Upload the SEN2 person-level return; other DfE collections (the school census, "
            "CIN, ...) are not read here.",
        )
        return False
    ret.year = _text(details, "year")
    text = _text(details, "referencedate")
    try:
        ret.reference_date = dt.date.fromisoformat(text or "") if _DATE.match(text or "") else None
    except ValueError:
        ret.reference_date = None
    if ret.reference_date is None:
        reader.refuse(
            f"The return's ReferenceDate is '{text or 'missing'}', not a date: the active plans "
            "are counted on that date.",
        )
        return False
    return True


def _element_tag(el: Element) -> str:
    return el.get(_SPELLING, str(el.tag))


def _identity(person: Element, born: dt.date | None) -> str | None:
    """UPN, else ULN, else surname + forename + birth date, normalised."""
    upn = _text(person, "upn")
    if upn:
        return "upn:" + upn.upper().replace(" ", "")
    uln = _text(person, "uln")
    if uln:
        return "uln:" + uln.replace(" ", "")
    surname = normalise_name(_text(person, "surname") or "")
    forename = normalise_name(_text(person, "forename") or "")
    if surname and forename and born:
        return f"name:{surname}:{forename}:{born.isoformat()}"
    return None


def _need(plans: Element | None, reader: _Reader, n: int, where: str) -> str | None:
    """The rank-1 need of an ActivePlans element (the only one if it gives no rank)."""
    needs = _children(plans, "senneed")
    found: list[tuple[str, str | None]] = []
    for k, need in enumerate(needs, start=1):
        code = reader.code(need, "sentype", NEED, n, f"{where}SENneed[{k}]/")
        if code:
            found.append((code, _text(need, "sentyperank")))
    ranked = [c for c, rank in found if rank == "1"]
    if ranked:
        return ranked[0]
    return found[0][0] if len(found) == 1 else None


def _request(
    req: Element, n: int, k: int, person: dict[str, object], reader: _Reader
) -> dict[str, object] | None:
    where = f"Requests[{k}]/"
    received = reader.date(req, "receiveddate", n, where)
    code = (_text(req, "requestoutcome") or "").upper()
    outcome = reader.code(req, "requestoutcome", REQUEST_OUTCOME, n, where)
    if _text(req, "requestoutcome") is None:
        codes = ", ".join(REQUEST_OUTCOME)
        reader.bad(n, where, "RequestOutcome", "", "the request has no RequestOutcome.",
                   f"Every request needs its outcome code ({codes}).")  # fmt: skip
    historical = code == "H"
    decided = reader.date(req, "requestoutcomedate", n, where)
    assessment = _child(req, "assessment")
    a_where = f"{where}Assessment/"
    flags = [reader.flag(req, f, n, where) for f in _FLAGS]
    flags += [reader.flag(assessment, f, n, a_where) for f in _ASSESSMENT_FLAGS]
    a_outcome = issued = exception = None
    if code in ("Y", "H"):
        a_code = (_text(assessment, "assessmentoutcome") or "").upper()
        a_outcome = reader.code(assessment, "assessmentoutcome", ASSESSMENT_OUTCOME, n, a_where)
        plan = _child(assessment, "namedplan")
        issued = reader.date(plan, "startdate", n, f"{a_where}NamedPlan/")
        outcome_date = reader.date(assessment, "assessmentoutcomedate", n, a_where)
        if a_code == "Y":
            issued = issued or outcome_date
            if issued is None:
                reader.bad(n, a_where, "AssessmentOutcome", "Y",
                           "the plan is to be issued (Y), but neither NamedPlan StartDate nor "
                           "AssessmentOutcomeDate gives the date it was issued.",
                           "Add the date the plan was issued, then export the return "
                           "again.")  # fmt: skip
        elif a_code == "H" and issued is None:
            a_outcome = None  # issued before this return, on a date it does not give
        elif a_code not in ("Y", "H"):
            issued = None
        if code == "Y" and a_outcome is None and not a_code:
            a_outcome = "pending"  # assessed, no outcome yet
        week20 = reader.flag(assessment, "week20", n, a_where)
        exception = None if week20 is None else ("yes" if week20 else "no")
    need = _need(_child(req, "activeplans"), reader, n, f"{where}ActivePlans/")
    if received is None:
        if not historical and _text(req, "receiveddate") is None:
            reader.bad(n, where, "ReceivedDate", "", "the request has no ReceivedDate.",
                       "Only a historical (H) request may leave it out: add the date the "
                       "request was received, then export the return again.")  # fmt: skip
        return None
    _in_order(reader, n, where, received, decided, issued)
    born = person["born"]
    identity = person["identity"]
    if identity is None:
        return None  # reported once for the person
    assert isinstance(identity, str)
    known = [f for f in flags if f is not None]
    return {
        "case_ref": reference(reader.key, REQUEST_PREFIX, identity, received.isoformat()),
        "request_received_date": received,
        "request_decision_date": decided,
        "request_outcome": outcome,
        "assessment_outcome": a_outcome,
        "plan_issued_date": issued,
        "exception_20_weeks": exception,
        "mediation_or_tribunal": ("yes" if any(known) else "no") if known else None,
        "age_at_request": _age(born, received) if isinstance(born, dt.date) else None,
        "sex": person["sex"],
        "ethnic_group": person["ethnic_group"],
        "primary_need": need,  # the person's need, if this request has none, is filled in below
        "waiting_support_offered": None,  # SEN2 does not hold it: unknown, never "no"
        "row_number": n,
        "historical": historical,
    }


def _in_order(
    reader: _Reader, n: int, where: str, received: dt.date, decided: dt.date | None,
    issued: dt.date | None,
) -> None:  # fmt: skip
    """A decision or a plan dated before the request (or a plan before the decision) is a
    mistake that would make the 20-week and 6-week figures wrong."""
    fix = "Check the dates in the case management system, then export the return again."
    if decided is not None and decided < received:
        reader.bad(
            n,
            where,
            "RequestOutcomeDate",
            decided.isoformat(),
            f"the decision is dated before the request was received ({received}).",
            fix,
        )
    if issued is not None and issued < received:
        reader.bad(
            n,
            where,
            "Assessment/NamedPlan/StartDate",
            issued.isoformat(),
            f"the plan is dated before the request was received ({received}).",
            fix,
        )
    elif issued is not None and decided is not None and issued < decided:
        reader.bad(
            n,
            where,
            "Assessment/NamedPlan/StartDate",
            issued.isoformat(),
            f"the plan is dated before the decision to assess ({decided}).",
            fix,
        )


def _person(el: Element, n: int, reader: _Reader, ret: Sen2Return) -> tuple[list, dict | None]:
    born = reader.date(el, "personbirthdate", n, "")
    if born is None and _text(el, "personbirthdate") is None:
        reader.bad(n, "", "PersonBirthDate", "", "the person has no PersonBirthDate.",
                   "The age at each request is worked out from it: add it, then export the "
                   "return again.")  # fmt: skip
    identity = _identity(el, born)
    if identity is None:
        reader.bad(n, "", "UPN", "", "the person has no UPN, no ULN, and not all of surname, "
                   "forename and birth date, so they cannot be given a reference.",
                   "Add the UPN (or the ULN), then export the return again.")  # fmt: skip
    for element, name in (("sex", "Sex"), ("ethnicity", "Ethnicity")):
        if _text(el, element) is None:
            fix = f"Add it (the codes are in {GUIDE}), then export the return again."
            reader.bad(n, "", name, "", f"the person has no {name}.", fix)
    person = {
        "born": born,
        "identity": identity,
        "sex": reader.code(el, "sex", SEX, n, ""),
        "ethnic_group": reader.code(el, "ethnicity", ETHNICITY, n, ""),
    }
    rows = []
    plan_need: str | None = None
    active = None
    for k, req in enumerate(_children(el, "requests"), start=1):
        row = _request(req, n, k, person, reader)
        undated = _text(req, "receiveddate") is None
        if row is None and undated and (_text(req, "requestoutcome") or "").upper() == "H":
            ret.undated_historical += 1
        if row is not None:
            rows.append(row)
        plans = _child(req, "activeplans")
        if plans is not None:
            active = plans
            # its codes were checked (and any problem reported) with the request above
            quiet = _Reader(reader.key, reader.today)
            plan_need = _need(plans, quiet, n, "") or plan_need
    for row in rows:
        row["primary_need"] = row["primary_need"] or plan_need
    plan_row = None
    if active is not None and identity is not None and ret.reference_date is not None:
        reviewed = reader.date(active, "lastreview", n, "ActivePlans/")
        held = None
        if reviewed is not None:
            held = "yes" if 0 <= (ret.reference_date - reviewed).days <= 365 else "no"
        plan_row = {
            "case_ref": reference(reader.key, PERSON_PREFIX, identity),
            "snapshot_date": ret.reference_date,
            "age": _age(born, ret.reference_date) if born else None,
            "sex": person["sex"],
            "ethnic_group": person["ethnic_group"],
            "primary_need": plan_need,
            "short_breaks": None,  # SEN2 does not hold it: unknown
            "annual_review_held": held,
            "cyp_involved_in_review": None,
            "row_number": n,
        }
    return rows, plan_row


def _frame(rows: list[dict], dataset: str, extra: dict[str, pl.DataType]) -> pl.DataFrame:
    ds = datasets.get(dataset)
    schema = store.polars_schema(dataset) | {"row_number": pl.Int64()} | extra
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    assert ds.period_type is not None
    return frame.with_columns(
        periods.label_expr(pl.col(ds.period_column), PeriodType(ds.period_type)).alias("period_key")
    )


def read(content: bytes, *, key: bytes, today: dt.date) -> Sen2Return:
    """Read a SEN2 return: every problem, or the rows for `ehc_requests` and `ehc_plans`."""
    reader = _Reader(key, today)
    ret = Sen2Return()
    root = _parse(content, reader)
    if root is not None:
        _normalise(root)
    if root is not None and _header(root, reader, ret):
        people = _children(_child(root, "persons"), "person")
        ret.persons = len(people)
        if not people:
            reader.refuse(
                "The return holds no people: its <Persons> is empty or missing, so there is "
                "nothing to store.",
                "Check that the export covered the whole collection period, then export the "
                "return again.",
            )
        requests, plans = [], []
        for n, el in enumerate(people, start=1):
            rows, plan = _person(el, n, reader, ret)
            requests += rows
            plans += [plan] if plan else []
        _duplicates(requests, reader)
        ret.requests = _frame(requests, "ehc_requests", {"historical": pl.Boolean()})
        ret.plans = _frame(plans, "ehc_plans", {})
    ret.problems = pl.DataFrame(reader.problems, schema=PROBLEM_SCHEMA)
    return ret


def _duplicates(rows: list[dict], reader: _Reader) -> None:
    """Two requests of one person received on the same day would share a reference."""
    counts = Counter(row["case_ref"] for row in rows)
    reported = set()
    for row in rows:
        if counts[row["case_ref"]] > 1 and row["case_ref"] not in reported:
            reported.add(row["case_ref"])
            reader.bad(
                int(row["row_number"]), "", "Requests/ReceivedDate",
                str(row["request_received_date"]),
                "two requests of this person were received on the same day; the return "
                "should hold each request once.",
                "Remove the duplicate request in the case management system and export the "
                "return again.",
            )  # fmt: skip
