"""Style rules for every page that Streamlit's theme options cannot express.

- Keyboard focus: Streamlit marks focus on its menu links, page links and chart toolbars only by
  a faint background tint, which people using a keyboard cannot follow (WCAG 2.4.7): everything
  that takes focus gets a solid ring in the theme's primary colour (7.8:1 against white, 7.0:1
  against the sidebar; 3:1 is needed), drawn for keyboard focus only.
- Long values in tables (a file's SHA-256 fingerprint) wrap inside their cell; Streamlit keeps
  them on one line in a cell-sized box that scrolls sideways and that a keyboard cannot reach.
- For the same reason a table wider than its column (on a phone, at 200% zoom) wraps its cells
  instead of scrolling sideways in Streamlit's box, which has no tabindex (axe's
  scrollable-region-focusable). A table Streamlit gives a fixed height is a scrolling region it
  makes focusable itself, so it is left alone.
- A button's label wraps onto a second line rather than being cut off with "…": a download
  button names its chart, and beside another in a narrow column the name was lost.
"""

from __future__ import annotations

import streamlit as st

FOCUSABLE = ':is(a, button, summary, [role="tab"], [tabindex="0"])'
# Inside the menu and the main area's own edge the ring is drawn inward, where nothing clips it.
INSET = ':is([data-testid="stSidebarNavLink"], [data-testid="stMain"])'
# more specific than Streamlit's own rule for a cell's paragraphs (overflow-wrap: normal)
TABLE_CELL_TEXT = (
    '[data-testid="stTable"] [data-testid="stTableStyledTable"] '
    '[data-testid="stMarkdownContainer"] p'
)
TABLE_BOX = '[data-testid="stTable"] > div:not([tabindex])'
TABLE_CELLS = '[data-testid="stTable"] :is(th, td)'
# Streamlit's label box (class stMarkdownEllipsis) and its paragraph keep a label on one line
BUTTON_LABEL = (
    ':is([data-testid="stButton"], [data-testid="stDownloadButton"]) button '
    '[data-testid="stMarkdownContainer"]'
)


def css(colour: str) -> str:
    return (
        "<style>\n"
        f"{FOCUSABLE}:focus-visible {{ outline: 3px solid {colour}; outline-offset: 2px; }}\n"
        f"{INSET}:focus-visible {{ outline-offset: -3px; }}\n"
        f"{TABLE_CELL_TEXT} {{ overflow-wrap: anywhere; }}\n"
        f"{TABLE_BOX} {{ overflow: visible; max-height: none; }}\n"
        f"{TABLE_CELLS} {{ overflow-wrap: anywhere; white-space: normal; }}\n"
        f"{BUTTON_LABEL}, {BUTTON_LABEL} p "
        "{ white-space: normal; overflow: visible; text-overflow: clip; }\n"
        "</style>"
    )


def apply() -> None:
    """Add the rules to the page (a style-only st.html takes no space on the page)."""
    st.html(css(st.get_option("theme.primaryColor")))
