"""Status against target: polarity-aware, honest about small numbers (DESIGN.md section 5)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"
    complete = "complete"
    not_yet_due = "not_yet_due"
    too_few = "too_few"
    no_data = "no_data"


@dataclass(frozen=True)
class StatusStyle:
    words: str
    icon: str  # a text symbol, so status never rests on colour alone
    colour: str  # Okabe-Ito colour-blind-safe palette, dark enough for text on white
    meaning: str


STYLES: dict[Status, StatusStyle] = {
    Status.on_track: StatusStyle("On track", "✔", "#006B3D", "Meets its target or trajectory."),
    Status.at_risk: StatusStyle(
        "At risk", "▲", "#8A4B00",
        "Below target, but within the margin of uncertainty or the agreed tolerance.",
    ),
    Status.off_track: StatusStyle(
        "Off track", "✖", "#B3261E", "Below target by more than chance or tolerance explains."
    ),
    Status.complete: StatusStyle("Complete", "★", "#0B5394", "The milestone is complete."),
    Status.not_yet_due: StatusStyle(
        "Not yet due", "◷", "#4A4A4A", "Work has not started and is not yet due."
    ),
    Status.too_few: StatusStyle(
        "Too few to judge", "≈", "#4A4A4A",
        "The number of children or responses is too small to judge against the target.",
    ),
    Status.no_data: StatusStyle("No data", "○", "#4A4A4A", "No data has been uploaded yet."),
}  # fmt: skip


def words(status: Status | str) -> str:
    return STYLES[Status(status)].words


def label(status: Status | str) -> str:
    """Icon plus words, e.g. '✔ On track'."""
    style = STYLES[Status(status)]
    return f"{style.icon} {style.words}"
