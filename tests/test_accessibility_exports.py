"""The accessibility audit (axe-core, WCAG 2.0 to 2.2 A and AA, headless Chromium) of the Upload
page's steps for files as other tools download them: a GA4 export's preview, and the form that
maps another system's columns (opened)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from app_support import seeded_template_fixture  # noqa: F401 (fixtures, by their short names)
from browser_support import (  # noqa: F401
    WAIT,
    app_address_fixture,
    browser_fixture,
    open_page,
    page_fixture,
    settled,
)
from test_accessibility import OPEN_EXPANDERS, Found, axe_violations, report
from test_browser_upload import upload

pytestmark = pytest.mark.browser

FILES = Path(__file__).resolve().parent / "export_files"
OTHER_LAYOUT = (
    b"Case Reference,Date Received,Decision,Gender\nCS-1,03/02/2025,Assess,F\n"
    b"CS-2,10/02/2025,Not assess,M\n"
)


def test_the_export_steps_have_no_violation(page: Any, app_address: str) -> None:
    found: Found = {}
    open_page(page, f"{app_address}/upload")
    upload(page, "ga4.csv", (FILES / "ga4_pages_2026_03.csv").read_bytes())
    page.get_by_role("heading", name="4. Check what will change").wait_for(timeout=WAIT)
    settled(page)
    found["analytics export preview"] = axe_violations(page)

    page.get_by_role("button", name="Remove ga4.csv").click()
    settled(page)
    upload(page, "case_system.csv", OTHER_LAYOUT)
    page.get_by_role("heading", name="Map this file's columns").wait_for(timeout=WAIT)
    settled(page)
    page.evaluate(OPEN_EXPANDERS)
    settled(page)
    found["mapping form"] = axe_violations(page)

    found = {where: violations for where, violations in found.items() if violations}
    assert not found, f"axe-core found violations on the upload page:\n{report(found)}"
