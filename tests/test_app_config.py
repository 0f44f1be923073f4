"""`.streamlit/config.toml`: text contrast passes WCAG 2.2 AA, and the server is locked down."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from metrics.settings import Settings
from metrics.status import STYLES

CONFIG = tomllib.loads(
    (Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text("utf-8")
)
THEME = CONFIG["theme"]
AA_TEXT = 4.5  # WCAG 2.2 success criterion 1.4.3, normal-size text


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance, as WCAG 2.2 defines it."""
    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def blend(colour: str, background: str, opacity: float) -> str:
    """A colour drawn at an opacity over a background, as the browser paints it."""
    fg = [int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    bg = [int(background.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(
        f"{round(opacity * f + (1 - opacity) * b):02x}" for f, b in zip(fg, bg, strict=True)
    )


def test_the_contrast_formula_gives_the_known_extremes() -> None:
    # black on white is 21:1 and any colour on itself 1:1, by the definition
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#767676", "#767676") == pytest.approx(1.0)
    # #767676 on white is the well-known lightest grey that passes AA: 4.54:1
    assert contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)


BACKGROUNDS = ["backgroundColor", "secondaryBackgroundColor"]


@pytest.mark.parametrize("background", BACKGROUNDS)
@pytest.mark.parametrize("text", ["textColor", "primaryColor", "linkColor", "grayTextColor"])
def test_text_colours_pass_aa_on_both_backgrounds(text: str, background: str) -> None:
    assert contrast(THEME[text], THEME[background]) >= AA_TEXT


@pytest.mark.parametrize("background", BACKGROUNDS)
def test_faded_text_passes_aa(background: str) -> None:
    # Streamlit draws captions, placeholders and help text as textColor at 60% opacity
    faded = blend(THEME["textColor"], THEME[background], 0.6)
    assert contrast(faded, THEME[background]) >= AA_TEXT


def test_button_text_passes_aa_on_the_primary_colour() -> None:
    assert contrast("#FFFFFF", THEME["primaryColor"]) >= AA_TEXT


@pytest.mark.parametrize("hue", ["blue", "orange", "yellow", "red", "green", "violet"])
def test_message_box_text_passes_aa_on_its_own_background(hue: str) -> None:
    assert contrast(THEME[f"{hue}TextColor"], THEME[f"{hue}BackgroundColor"]) >= AA_TEXT


@pytest.mark.parametrize("background", BACKGROUNDS)
@pytest.mark.parametrize("status", list(STYLES))
def test_status_words_pass_aa_on_both_backgrounds(status: str, background: str) -> None:
    assert contrast(STYLES[status].colour, THEME[background]) >= AA_TEXT


def test_server_settings_are_safe_for_a_council_network() -> None:
    assert CONFIG["server"]["headless"] is True
    assert CONFIG["server"]["enableXsrfProtection"] is True
    assert CONFIG["browser"]["gatherUsageStats"] is False
    assert CONFIG["client"]["toolbarMode"] == "viewer"
    # the upload limit Streamlit enforces is the one the upload check reports
    assert CONFIG["server"]["maxUploadSize"] == Settings().max_upload_mb
