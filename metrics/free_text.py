"""Small counts of people written in free text: officers' commentary goes to the Board, the
publication view and board packs, so it is published too. `small_numbers_in_text` finds counts
from 1 to threshold-1 ("3 children"), so that `metrics.commentary.check` can refuse them before
they are saved, and `fewer_than` says what to write instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from metrics.disclosure import is_small, threshold_or_default

# Words for people, or for things that each stand for one child or family (a plan, a case, a
# request, a referral, a placement, an appeal, a survey response), each with the plural the
# suggested wording uses ("fewer than 5 children"). Staff, schools and settings are not here:
# a small number of them identifies no child. Two-word names end in one of these words
# ("young people", "young person", "parent carers", "EHC plans").
_PEOPLE_PLURALS: dict[str, str] = {
    "child": "children",
    "kid": "kids",
    "pupil": "pupils",
    "learner": "learners",
    "student": "students",
    "person": "people",
    "people": "people",
    "persons": "people",
    "individual": "individuals",
    "family": "families",
    "household": "households",
    "parent": "parents",
    "carer": "carers",
    "mother": "mothers",
    "father": "fathers",
    "mum": "mums",
    "dad": "dads",
    "sibling": "siblings",
    "girl": "girls",
    "boy": "boys",
    "baby": "babies",
    "toddler": "toddlers",
    "infant": "infants",
    "adult": "adults",
    "resident": "residents",
    "member": "members",
    "respondent": "respondents",
    "response": "responses",
    "apprentice": "apprentices",
    "intern": "interns",
    "trainee": "trainees",
    "leaver": "leavers",
    "case": "cases",
    "plan": "plans",
    "ehcp": "EHCPs",
    "request": "requests",
    "referral": "referrals",
    "assessment": "assessments",
    "application": "applications",
    "appeal": "appeals",
    "tribunal": "tribunals",
    "placement": "placements",
    "exclusion": "exclusions",
    "complaint": "complaints",
    "cyp": "CYP",
    "yp": "YP",
}
_PLURAL: dict[str, str] = {
    **_PEOPLE_PLURALS,
    **{plural.lower(): plural for plural in _PEOPLE_PLURALS.values()},
}
PEOPLE_WORDS: frozenset[str] = frozenset(_PLURAL)  # lower case, singular and plural


def _words(text: str) -> frozenset[str]:
    """A set of words written as one string, for long lists that read better as prose."""
    return frozenset(text.split())


# A people word followed by one of these names a thing, not people ("children's centres", "a
# parent carer forum", "2 case studies"), so the number before it counts that thing.
_THINGS = _words(
    "centre centres center centers forum forums group groups hub hubs network networks panel "
    "panels voice council councils service services support programme programmes program "
    "programs form forms study studies conference conferences event events evening evenings "
    "team teams worker workers officer officers champion champions premium"
)
# Before a people word these make it a thing: "3 action plans", "2 improvement plans", "4
# service requests" count documents, not children.
_KINDS = _words(
    "action improvement business delivery project work development training communications "
    "communication strategic service services funding budget"
)
# A number right after one of these names something rather than counting it: "Priority 1",
# "Year 3 pupils", "Key Stage 2", "version 2", "Table 4", "aged 3".
_LABELS = _words(
    "priority priorities version v year years stage ks phase tier level step wave cohort group "
    "band class grade form set section table figure fig chart page p pp paragraph para appendix "
    "annex chapter part item action objective outcome aim goal commitment measure indicator theme "
    "workstream term round week day month quarter q number no nos room ward age aged ages option "
    "question route pathway module unit schedule clause rule standard principle point line row "
    "column session meeting batch release floor block"
)
_MONTHS = _words(
    "january february march april june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
# Between a number and a people word these end the search: the number counts something else
# ("2 weeks", "for children"; "£3 per family"; "1 in 4 children").
_UNITS = _words(
    "second seconds minute minutes hour hours day days week weeks fortnight fortnights month "
    "months term terms year years time times percent cent pc am pm pound pounds point points "
    "mile miles"
)
_BREAKS = _words(
    "about above after at before below between by during for from in into on over per since than "
    "through to under until up with within without across around and or but nor so because while "
    "if when where as whereas"
)
# Nouns that end the search too: "One reason families wait ..." counts reasons.
_OTHER_NOUNS = _words(
    "reason reasons way ways thing things example examples cause causes factor factors"
)
_JOINS = frozenset({"to", "or", "and", "of"})  # with a number: "3 to 4", "3 of 40"
_NOT_ONE = frozenset({"no", "any", "every", "each", "which"})  # "no one", "any one"

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_NUMBER_WORDS: dict[str, int] = {
    **{w: n for n, w in enumerate(_ONES)},
    **{w: 10 + n for n, w in enumerate(_TEENS)},
    **{w: 20 + 10 * n for n, w in enumerate(_TENS)},
}
_HYPHENS = "‐–-"  # hyphen, en dash, hyphen-minus (last, so that it is literal in a [class])
_TOKEN = re.compile(
    r"(?P<word>\d+(?:[.,]\d+)+(?![^\W_])"  # 3.5 and 1,234: never a small whole number
    rf"|[^\W_]+(?:['’{_HYPHENS}][^\W_]+)*)"  # words, 3, 3-4, Q3, looked-after, children's
    r"|(?P<stop>\n\s*\n|[^\w\s*_~`'’‘“”\"])"  # punctuation, a blank line; Markdown marks pass
)
_NOT_A_COUNT_BEFORE = frozenset("£$€#/:")  # £3, #3, 3/4
_NOT_A_COUNT_AFTER = frozenset("%/:+")  # 3%, 3/4, 3:30, 4+


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int
    stop: bool  # punctuation or a paragraph break: a phrase never runs across one

    @property
    def word(self) -> str:
        """The word in lower case, without a possessive ("children's" is "children")."""
        low = self.text.lower()
        return low[:-2] if low.endswith(("'s", "’s")) else low


def _number(token: _Token) -> tuple[float, ...] | None:
    """The numbers a token stands for ("3", "three", "twenty-one", a range "3-4"), or None."""
    word = token.word
    if token.stop:
        return None
    if word in _NUMBER_WORDS:
        return (_NUMBER_WORDS[word],)
    parts = re.split(f"[{_HYPHENS}]", word)
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _ONES[1:]:
        return (_NUMBER_WORDS[parts[0]] + _NUMBER_WORDS[parts[1]],)
    if len(parts) <= 2 and all(p.isascii() and p.isdigit() for p in parts):
        return tuple(float(p) for p in parts)
    if re.fullmatch(r"\d+(?:[.,]\d+)+", word):
        return (float(word.replace(",", "")),)
    return None


def _is_month(token: _Token) -> bool:
    # "May" only with its capital: "3 may leave" is not a date
    return token.word in _MONTHS or token.text == "May"


class _Phrases:
    """One pass over a text, finding each small count of people."""

    def __init__(self, text: str, threshold: int):
        self.text = text
        self.tokens = [
            _Token(m.group(), m.start(), m.end(), m.lastgroup == "stop")
            for m in _TOKEN.finditer(text)
        ]
        self.threshold = threshold
        self.names: set[int] = set()  # numbers that name something: Year 3, ages 3 to 4

    def word(self, i: int) -> str | None:
        """Token i in lower case; None for punctuation or past either end."""
        if 0 <= i < len(self.tokens) and not self.tokens[i].stop:
            return self.tokens[i].word
        return None

    def number(self, i: int) -> tuple[float, ...] | None:
        return _number(self.tokens[i]) if 0 <= i < len(self.tokens) else None

    def small(self, i: int) -> bool:
        return any(v == int(v) and is_small(v, self.threshold) for v in self.number(i) or ())

    def names_something(self, i: int) -> bool:
        """Whether the number at token i names something (or is a ratio) rather than counts."""
        token, before = self.tokens[i], self.word(i - 1)
        if self.text[token.start - 1 : token.start] in _NOT_A_COUNT_BEFORE:
            return True
        if self.text[token.end : token.end + 1] in _NOT_A_COUNT_AFTER:
            return True
        if before in _LABELS or (i > 0 and _is_month(self.tokens[i - 1])):
            return True  # Year 3, April 3
        if i > 1 and self.tokens[i - 1].text == "." and self.word(i - 2) in _LABELS:
            return True  # No. 3, Fig. 2
        if token.word == "one" and before in _NOT_ONE:
            return True
        if before in _JOINS and (i - 2) in self.names:
            return True  # the 4 of "ages 3 to 4"
        return before == "in" and self.number(i - 2) is not None  # the 4 of "1 in 4 children"

    def step(self, j: int) -> int:
        """How many tokens the word at j takes with what goes with it; 0 ends the search.

        "out of 40", "to 4" and "Year 6" are one step each: "3 out of 40 children",
        "3 to 4 children", "4 Year 6 pupils".
        """
        word = self.word(j)
        if word == "out" and self.word(j + 1) == "of":
            return 3 if self.number(j + 2) is not None else 2
        if (word in _JOINS or word in _LABELS) and self.number(j + 1) is not None:
            return 2
        if word in _UNITS or word in _BREAKS or word in _OTHER_NOUNS or _is_month(self.tokens[j]):
            return 0
        return 1

    def people_after(self, i: int) -> int | None:
        """The last token of the people words the number at token i counts, or None."""
        j, steps = i + 1, 0
        while (word := self.word(j)) is not None:
            if word in PEOPLE_WORDS:
                if self.word(j - 1) in _KINDS:
                    return None  # "3 action plans"
                while self.word(j + 1) in PEOPLE_WORDS:  # "3 parent carers"
                    j += 1
                return None if self.word(j + 1) in _THINGS else j
            step = self.step(j)
            if steps == 2 or step == 0:
                return None
            j, steps = j + step, steps + 1
        return None

    def find(self) -> list[str]:
        found: list[str] = []
        i = 0
        while i < len(self.tokens):
            end = None
            if self.number(i) is not None:
                if self.names_something(i):
                    self.names.add(i)
                elif self.small(i):
                    end = self.people_after(i)
            if end is None:
                i += 1
                continue
            phrase = " ".join(t.text for t in self.tokens[i : end + 1])
            if phrase not in found:
                found.append(phrase)
            i = end + 1  # a number inside the phrase ("3 to 4 children") is already in it
        return found


def small_numbers_in_text(text: str, threshold: int | None = None) -> list[str]:
    """Each phrase in free text that counts people from 1 to threshold-1, as written.

    A count is a whole number in digits ("3") or words ("three", "Three", "twenty-one"), or a
    range ("3-4", "3 to 4"), followed within two words by a word for people (PEOPLE_WORDS:
    children, young people, pupils, families, parent carers, plans, cases, requests,
    referrals, placements, ...): "3 children", "two late plans", "3 of the pupils", "4 out of
    30 families". A true zero ("0", "none", "no children") says nothing about any one child.

    Never found, because they are not counts of people: a number that names something
    ("Priority 1", "Year 3 pupils", "version 2", "aged 3", "Q3"), dates ("1 April", "in
    2024"), time and other units ("2 weeks", "20 weeks"), percentages and money ("3%", "£3
    per child"), decimals, ratios ("1 in 4 children"), and a people word naming a thing
    ("one parent carer forum", "3 children's centres"). Words that are not numbers ("a
    child", "both", "a couple of") are left to the writer. Each phrase comes back once, in
    the order it first appears.
    """
    return _Phrases(text or "", threshold_or_default(threshold)).find()


def fewer_than(phrase: str, threshold: int | None = None) -> str:
    """What to write instead of a phrase `small_numbers_in_text` found.

    The number (or range) becomes "fewer than" the threshold and the people word its plural:
    "one child" -> "fewer than 5 children", "3 to 4 young people" -> "fewer than 5 young
    people", "two late plans" -> "fewer than 5 late plans".
    """
    tokens = [_Token(m.group(), m.start(), m.end(), False) for m in _TOKEN.finditer(phrase)]
    rest = tokens[1:]
    if len(rest) > 1 and rest[0].word in {"to", "or", "and"} and _number(rest[1]) is not None:
        rest = rest[2:]  # the rest of a range: "3 to 4 children"
    words = [t.text for t in rest]
    if words:
        people = rest[-1].word
        words[-1] = _PLURAL.get(people, words[-1])
    return " ".join(["fewer than", str(threshold_or_default(threshold)), *words])
