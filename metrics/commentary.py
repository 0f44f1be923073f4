"""Officers' commentary: what is behind each number and what is being done about it.

Written per indicator and period, in plain text or Markdown. Every save is a new version
(indicator, period, version, text, author, time in UTC); nothing is updated or deleted, so
the Board can see what was said before. Shown as sanitised HTML on screen (`to_html`) and as
plain text in the board pack (`to_text`).
"""

from __future__ import annotations

import datetime as dt
import html
import re

import markdown
import nh3
import polars as pl
from sqlalchemy.engine import Engine

from metrics import audit, disclosure, free_text, periods, summaries
from metrics.db import commentary_store, store
from metrics.registry import Registry

MAX_CHARS = 5_000
MAX_AUTHOR_CHARS = 200

# What commentary may contain once rendered: paragraphs, emphasis, lists, quotes, code and
# links. No headings (the page owns the heading order), images, tables or raw HTML styling.
ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre", "a"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"


class CommentaryError(ValueError):
    """Commentary that cannot be saved, with the reason in plain English."""


def _registry(registry: Registry | None) -> Registry:
    if registry is not None:
        return registry
    from metrics import api

    return api.registry()


def check(
    indicator_id: str, period: str, text: str, author: str, registry: Registry | None = None
) -> str:
    """The text to store (surrounding spaces trimmed), or CommentaryError saying what is wrong."""
    reg = _registry(registry)
    try:
        indicator = reg.indicator(indicator_id)
    except KeyError:
        raise CommentaryError(
            f"There is no indicator '{indicator_id}' in the registry, so commentary cannot be "
            "saved for it."
        ) from None
    if not periods.is_valid(period, indicator.period_type):
        example = periods.EXAMPLES[indicator.period_type]
        raise CommentaryError(
            f"'{period}' is not a period of {indicator.title}: it is reported by "
            f"{periods.PERIOD_TYPE_WORDS[indicator.period_type]}, written like '{example}'."
        )
    cleaned = (text or "").strip()
    if not cleaned:
        raise CommentaryError("The commentary is empty. Write what is behind the number first.")
    if len(cleaned) > MAX_CHARS:
        raise CommentaryError(
            f"The commentary is {len(cleaned):,} characters long; the most is {MAX_CHARS:,}. "
            "Shorten it, or link to a fuller report."
        )
    if problem := small_numbers_problem(cleaned):
        raise CommentaryError(problem)
    who = (author or "").strip()
    if not who:
        raise CommentaryError("Say who wrote the commentary: the author is missing.")
    if len(who) > MAX_AUTHOR_CHARS:
        raise CommentaryError(f"The author's name is longer than {MAX_AUTHOR_CHARS} characters.")
    return cleaned


def _listed(phrases: list[str]) -> str:
    """“a”, “b” and “c”."""
    quoted = [f"“{p}”" for p in phrases]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def small_numbers_problem(text: str) -> str | None:
    """What is wrong with the text if it gives a number of people below the threshold, or None.

    Commentary is published (to the Board, in the publication view and in board packs), so it
    follows the same rule as every published figure. Every phrase found is named at once.
    """
    threshold = disclosure.default_threshold()
    found = free_text.small_numbers_in_text(text, threshold)
    if not found:
        return None
    instead = list(dict.fromkeys(free_text.fewer_than(p, threshold) for p in found))
    return (
        f"The commentary mentions {_listed(found)}. Numbers of people below {threshold} are not "
        "published, because they could identify a child. "
        f"Write {_listed(instead)} instead."
    )


def save(
    engine: Engine,
    indicator_id: str,
    period: str,
    text: str,
    author: str,
    *,
    registry: Registry | None = None,
    now: dt.datetime | None = None,
    role: str | None = None,
) -> int:
    """Save commentary as the next version for the indicator and period; returns the version.

    The audit event is written in the same transaction: a saved version always has one.

    Raises CommentaryError for empty text, text over 5,000 characters, text giving a number of
    people below the disclosure threshold ("3 children"), a missing author, an indicator not in
    the registry or a period label of the wrong kind.
    """
    cleaned = check(indicator_id, period, text, author, registry)
    at = (now or store.now_utc()).astimezone(dt.UTC)
    indicator = _registry(registry).indicator(indicator_id)
    with store.write_transaction(engine) as conn:
        version = commentary_store.append(conn, indicator_id, period, cleaned, author.strip(), at)
        when = summaries.period_short(indicator, period)
        detail = f"Commentary on {indicator.title}, {when}: version {version}."
        audit.record_in(
            conn, audit.COMMENTARY, author, detail, role=role, ref=f"{indicator_id}|{period}", at=at
        )
        return version


def latest(engine: Engine, indicator_id: str | None = None) -> pl.DataFrame:
    """The latest version of the commentary for every indicator and period (or one indicator).

    Columns: indicator_id, period, version, text, author, created_at (UTC).
    """
    with engine.connect() as conn:
        return commentary_store.latest(conn, indicator_id)


def history(engine: Engine, indicator_id: str, period: str) -> pl.DataFrame:
    """Every version for an indicator and period, newest first."""
    with engine.connect() as conn:
        return commentary_store.history(conn, indicator_id, period)


def text_for(frame: pl.DataFrame, indicator_id: str, period: str) -> str | None:
    """The text of one indicator and period in a `latest` frame, or None."""
    match = frame.filter(
        (pl.col("indicator_id") == indicator_id) & (pl.col("period") == period)
    ).get_column("text")
    return match[0] if match.len() else None


def to_html(text: str) -> str:
    """Markdown rendered to HTML and sanitised: safe to put on a page or in the board pack.

    Raw HTML in the text is kept only where it is on the allow-list; scripts, styles,
    event handlers, images and unknown URL schemes are removed; links get
    rel="noopener noreferrer".
    """
    rendered = markdown.markdown(text or "", extensions=["sane_lists", "nl2br"])
    return nh3.clean(
        rendered,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def to_text(text: str) -> str:
    """The commentary as plain text (Markdown marks removed, list items as bullets)."""
    rendered = to_html(text).replace("<li>", "<li>• ").replace("<br>\n", "\n")
    plain = html.unescape(nh3.clean(rendered, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", plain).strip()
