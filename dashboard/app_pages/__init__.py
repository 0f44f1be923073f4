"""The dashboard's pages as data: which file, title, address and section, and who may see them.

`dashboard/app.py` turns these into `st.Page` objects. Officer and admin pages (upload, data and
audit, targets, the audit log) are added here with the roles that may open them; the menu lists
only the pages a person may open, and each restricted page also checks the role itself, at its
top, on the server, because hiding a menu item is not a permission check.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard import auth
from metrics import auth as rules
from metrics.registry import Registry

APP_NAME = "Measures of Success"
VIEWER = rules.VIEWER
OFFICER = rules.OFFICER
ADMIN = rules.ADMIN
ALL_ROLES: frozenset[str] = frozenset({VIEWER, OFFICER, ADMIN})
# An admin can do everything an officer can.
OFFICERS: frozenset[str] = frozenset({OFFICER, ADMIN})
ADMINS: frozenset[str] = frozenset({ADMIN})
REPORTS = "Reports"
OFFICER_SECTION = "Officers"


@dataclass(frozen=True)
class PageSpec:
    """One page: its file (relative to dashboard/), menu label and address."""

    file: str
    title: str  # the menu label, and the start of the browser tab's title
    url_path: str
    icon: str
    help: str = ""
    default: bool = False
    roles: frozenset[str] = ALL_ROLES
    section: str = REPORTS  # the menu is one flat list; officer pages come last, together


def tab_title(page: str, area: str) -> str:
    """What the browser tab says: the page first, so a list of tabs says where each one is."""
    return f"{page} – {APP_NAME}, {area}"


PRIORITY_FILE = "app_pages/priority.py"
PRIORITY_PREFIX = "priority-"
_PAGE_KEY = "_url_path"  # session state: the address of the page this run shows


def priority_label(priority_id: str, short_title: str) -> str:
    return f"Priority {priority_id}: {short_title}"


def priority_icon(priority_id: str) -> str:
    """A numbered icon for priorities 1 to 9; a flag for any other id the registry uses."""
    single_digit = len(priority_id) == 1 and priority_id in "123456789"
    return f":material/counter_{priority_id}:" if single_digit else ":material/flag:"


def priority_page(priority_id: str, title: str = "") -> st.Page:
    """The page of one priority: the one priority file, at that priority's own address. A
    page made here again is the same page to `st.page_link` (pages are known by address)."""
    return st.Page(
        PRIORITY_FILE,
        title=title or f"Priority {priority_id}",
        url_path=f"{PRIORITY_PREFIX}{priority_id}",
        icon=priority_icon(priority_id),
    )


def remember_current(url_path: str) -> None:
    """Called by the app script with the address `st.navigation` chose, before the page runs."""
    st.session_state[_PAGE_KEY] = url_path


def current_priority_id() -> str:
    """Which priority the priority page is showing, from its address."""
    return str(st.session_state.get(_PAGE_KEY, "")).removeprefix(PRIORITY_PREFIX)


def page_specs(registry: Registry) -> list[PageSpec]:
    """Every page, in menu order; the priority pages come from the registry."""
    specs = [
        PageSpec(
            "app_pages/overview.py", "Overview", "overview", ":material/dashboard:",
            help="Every measure of success on one screen", default=True,
        ),
    ]  # fmt: skip
    specs += [
        PageSpec(
            PRIORITY_FILE,
            priority_label(p.id, p.short_title),
            f"{PRIORITY_PREFIX}{p.id}",
            priority_icon(p.id),
            help=f"Priority {p.id}: {p.title}",
        )
        for p in registry.priorities
    ]
    specs += [
        PageSpec(
            "app_pages/action_plan.py", "Action Plan", "action-plan",
            ":material/checklist:", help="Milestones by priority, with lead, due date and status",
        ),
        PageSpec(
            "app_pages/indicator.py", "Indicator detail", "indicator",
            ":material/query_stats:", help="Everything about one indicator, with a link to share",
        ),
        PageSpec(
            "app_pages/population.py", "Our SEND population", "population",
            ":material/groups:", help="Context: the children and young people with SEND",
        ),
        PageSpec(
            "app_pages/meeting.py", "Meeting mode", "meeting", ":material/co_present:",
            help="For the shared screen: what changed, then one priority at a time",
        ),
        PageSpec(
            "app_pages/about.py", "About", "about", ":material/info:",
            help="Methodology, glossary, data sources and accessibility",
        ),
    ]  # fmt: skip
    specs += [
        PageSpec(
            "app_pages/upload.py", "Upload data", "upload", ":material/upload_file:",
            help="For officers: check a CSV or Excel file, preview its effect and store it",
            roles=OFFICERS, section=OFFICER_SECTION,
        ),
        PageSpec(
            "app_pages/commentary.py", "Commentary", "commentary", ":material/edit_note:",
            help="For officers: what is behind each number and what is being done about it",
            roles=OFFICERS, section=OFFICER_SECTION,
        ),
        PageSpec(
            "app_pages/data_audit.py", "Data and audit", "data-audit", ":material/history:",
            help="For officers: every upload, roll back, and how up to date each dataset is",
            roles=OFFICERS, section=OFFICER_SECTION,
        ),
        PageSpec(
            "app_pages/targets.py", "Targets", "targets", ":material/flag:",
            help="For admins: change a measure's target when the Board agrees a new one",
            roles=ADMINS, section=OFFICER_SECTION,
        ),
        PageSpec(
            "app_pages/audit_log.py", "Audit log", "audit-log", ":material/policy:",
            help="For admins: who signed in, who was refused, and every change, with when",
            roles=ADMINS, section=OFFICER_SECTION,
        ),
    ]  # fmt: skip
    return specs


def current_role() -> str | None:
    """The role of the person using the dashboard (dashboard/auth.py): every role (admin) in
    local mode; from the sign-in in the other modes; None when nobody with a role is here."""
    return auth.current_role()


def pages_for(role: str | None, registry: Registry) -> list[PageSpec]:
    """The pages a role may open: the menu lists these and no others."""
    return [s for s in page_specs(registry) if role in s.roles]
