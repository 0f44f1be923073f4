"""The privacy guard: column names and cell values that look like direct identifiers.

Only pseudonymised data may be stored. A column whose name says it holds names, dates of birth,
addresses, postcodes, UPNs, ULNs or NHS numbers is refused; so is a cell whose value looks like
one. NHS numbers and Unique Learner Numbers (ULNs) are both 10 digits; their check digits tell
them apart (the ULN's was designed never to coincide with the NHS number's), so the message names
the right one.
"""

from __future__ import annotations

import re

import polars as pl

from metrics.datasets import Column, ColumnType
from metrics.ingest.cells import looks_like_date

PRIVACY_FIX = (
    "Only pseudonymised data may be uploaded. Remove names, dates of birth, addresses, "
    "postcodes, UPNs, ULNs, NHS numbers and contact details from the file (use your case "
    "system's reference instead) and upload again."
)

# Whole words in a column name (after tidying to snake_case) and what they reveal.
_NAME_WORDS: dict[str, str] = {
    "name": "a name",
    "names": "a name",
    "forename": "a name",
    "forenames": "a name",
    "firstname": "a name",
    "surname": "a name",
    "lastname": "a name",
    "fullname": "a name",
    "givenname": "a name",
    "dob": "a date of birth",
    "birth": "a date of birth",
    "birthdate": "a date of birth",
    "birthday": "a date of birth",
    "address": "an address",
    "street": "an address",
    "postcode": "a postcode",
    "upn": "a Unique Pupil Number (UPN)",
    "uln": "a Unique Learner Number (ULN)",
    "nhs": "an NHS number",
    "email": "an email address",
    "phone": "a phone number",
    "telephone": "a phone number",
    "mobile": "a phone number",
    "nino": "a National Insurance number",
    "ip": "an IP address",  # survey tools record the respondent's ("IP Address")
}
# Runs of letters anywhere in the name with the separators removed ("Date of Birth").
_NAME_PHRASES: dict[str, str] = {
    "dateofbirth": "a date of birth",
    "birthdate": "a date of birth",
    "postcode": "a postcode",
    "uniquepupil": "a Unique Pupil Number (UPN)",
    "pupilnumber": "a Unique Pupil Number (UPN)",
    "uniquelearner": "a Unique Learner Number (ULN)",
    "learnernumber": "a Unique Learner Number (ULN)",
    "nhsn": "an NHS number",
    "email": "an email address",
    "nationalinsurance": "a National Insurance number",
}


def _snake(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.replace("\ufeff", "").strip().lower()).strip("_")


def identifier_kind(column_name: str) -> str | None:
    """What direct identifier a column's name says it holds, if any ('a date of birth')."""
    snake = _snake(column_name)
    words = snake.split("_")
    joined = snake.replace("_", "")
    for word in words:
        if word in _NAME_WORDS:
            return _NAME_WORDS[word]
    for phrase, what in _NAME_PHRASES.items():
        if phrase in joined:
            return what
    return None


# Values are searched for inside the text, between non-alphanumeric characters, so that
# "contact jo@example.com" is caught but a reference such as "REQ-0001234567" is not.
_BEFORE = r"(?:^|[^A-Za-z0-9_/-])"
_AFTER = r"(?:$|[^A-Za-z0-9_/-])"
_EMAIL = r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"
_POSTCODE = rf"(?i){_BEFORE}[A-Z]{{1,2}}[0-9][A-Z0-9]? ?[0-9][A-Z]{{2}}{_AFTER}"
_UPN = rf"(?i){_BEFORE}[A-Z][0-9]{{11}}[0-9A-Z]{_AFTER}"
_TEN_DIGITS = rf"{_BEFORE}([0-9]{{3}}[ -]?[0-9]{{3}}[ -]?[0-9]{{4}}){_AFTER}"
_SPACED_NHS = r"^[0-9]{3}[ -][0-9]{3}[ -][0-9]{4}$"
# "Jane Smith", "Smith, Jane": only tested in reference columns and columns outside the
# template, where a person's name has no business being.
_PERSON_NAME = r"^(?:[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+)+|[A-Z][a-z'’-]+, [A-Z][a-z'’-]+)$"


# Every cell a value check below can flag matches this one pattern (an @; ten digits, maybe
# spaced; a postcode's shape; a capital then a small letter, as a name starts), so a large
# file's cells are screened with it once and only the few that match get the full checks.
SCREEN = (
    r"@|[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}|(?i:[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})"
    r"|^[A-Z][a-z'’-]"
)


def could_identify(raw: pl.Expr) -> pl.Expr:
    """True for every text cell `value_checks` could flag (and some it will not)."""
    return raw.str.contains(SCREEN)


def _weighted_mod11(digits: pl.Expr) -> pl.Expr:
    """Sum of the 10 digits weighted 10, 9, ..., 1, modulo 11.

    0 is a valid NHS number (its check digit makes the sum a multiple of 11); 10 is a valid
    ULN (its first digit is also never 0).
    """
    total = pl.sum_horizontal(
        digits.str.slice(i, 1).cast(pl.Int64, strict=False) * (10 - i) for i in range(10)
    )
    return total % 11


def ten_digit_kind(raw: pl.Expr) -> pl.Expr:
    """'nhs', 'uln' or 'other' for a cell holding a 10-digit number, else null."""
    found = raw.str.extract(_TEN_DIGITS, 1)
    digits = found.str.replace_all(r"[ -]", "")
    mod = _weighted_mod11(digits)
    return (
        pl.when(found.is_null())
        .then(None)
        .when(found.str.contains(_SPACED_NHS) | (mod == 0))
        .then(pl.lit("nhs"))
        .when((mod == 10) & ~digits.str.starts_with("0"))
        .then(pl.lit("uln"))
        .otherwise(pl.lit("other"))
    )


def value_checks(col: Column) -> list[tuple[pl.Expr, str]]:
    """(is-identifier over the raw text cell, problem) for a template column."""
    if col.type is not ColumnType.text:
        return []
    raw = pl.col(col.name)
    ten = ten_digit_kind(raw)
    checks = [
        (raw.str.contains(_EMAIL), "This looks like an email address, a direct identifier."),
        (raw.str.contains(_POSTCODE), "This looks like a postcode, a direct identifier."),
        (raw.str.contains(_UPN), "This looks like a Unique Pupil Number (UPN)."),
        (ten == "nhs", "This looks like an NHS number (10 digits, with a valid NHS check digit)."),
        (ten == "uln", "This looks like a Unique Learner Number (ULN): 10 digits, with a valid "
                       "ULN check digit."),
        (ten == "other", "This is a 10-digit number, the form of an NHS number or a Unique "
                         "Learner Number (ULN); these must not be uploaded."),
    ]  # fmt: skip
    if col.name.endswith("_ref"):
        checks.append((raw.str.contains(_PERSON_NAME), "This looks like a person's name."))
    return checks


def column_profile(raw: pl.Expr, prefix: str) -> list[pl.Expr]:
    """Aggregations that say whether a column outside the template holds identifiers."""
    present = raw.is_not_null()
    ten = ten_digit_kind(raw)
    kinds = {
        "email": raw.str.contains(_EMAIL),
        "postcode": raw.str.contains(_POSTCODE),
        "upn": raw.str.contains(_UPN),
        "nhs": ten == "nhs",
        "uln": ten == "uln",
        "ten": ten == "other",
        "name": raw.str.contains(_PERSON_NAME),
    }
    return [
        present.sum().alias(f"{prefix}present"),
        looks_like_date(raw).fill_null(False).sum().alias(f"{prefix}dates"),
        *(hit.fill_null(False).sum().alias(f"{prefix}{k}") for k, hit in kinds.items()),
    ]


PROFILE_WORDS = {
    "email": "email addresses",
    "postcode": "postcodes",
    "upn": "Unique Pupil Numbers (UPNs)",
    "nhs": "NHS numbers",
    "uln": "Unique Learner Numbers (ULNs)",
    "ten": "10-digit numbers like NHS numbers or Unique Learner Numbers (ULNs)",
    "name": "people's names",
}


def describe_profile(profile: dict[str, int], prefix: str) -> str | None:
    """What identifiers a profiled column seems to hold, in words; None if it looks clean."""
    found = [words for k, words in PROFILE_WORDS.items() if profile[f"{prefix}{k}"] > 0]
    present = profile[f"{prefix}present"]
    # A column of dates that the template does not ask for: most likely dates of birth.
    if present and profile[f"{prefix}dates"] * 2 >= present:
        found.insert(0, "dates that are not part of the template (a date of birth, perhaps)")
    return "; ".join(found) or None
