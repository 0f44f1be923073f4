"""The app script: signs the person in, builds the navigation for their role and runs the page.

Served by `dashboard/serve.py` (`make run`), which adds the security headers and the local
mode's address check; `streamlit run dashboard/app.py` also works, without the headers.
"""

from __future__ import annotations

import streamlit as st

from dashboard import app_pages, auth, components, data, page_style, publication, unavailable

st.set_page_config(
    page_title=app_pages.APP_NAME,
    # an emoji favicon is drawn in the page; a :material/: one is fetched from Google's servers,
    # which the Content-Security-Policy (dashboard/security_headers.py) does not allow
    page_icon="📊",
    layout="wide",
    # wide enough for a priority's short title ("Priority 5: High-quality alternative
    # provision") on one line
    initial_sidebar_state=400,
)
page_style.apply()  # a visible keyboard focus ring on every page, before anything can stop
# the database, the registry and the sign-in secrets usable, or a calm page saying so
unavailable.preflight()

# Nobody gets past here without a role: sign-in (or local mode's banner), recorded in the audit.
person = auth.gate()
registry = data.registry()
allowed = app_pages.pages_for(app_pages.current_role(), registry)
pages: list[st.Page] = []
tab_titles: dict[str, str] = {}
for spec in app_pages.page_specs(registry):
    # A page the person may not open is left out of the menu but keeps its address, so that
    # opening it by URL reaches the page's own role check and its refusal, not another page.
    page = st.Page(
        spec.file, title=spec.title, icon=spec.icon, url_path=spec.url_path,
        default=spec.default, help=spec.help or None,
        visibility="visible" if spec in allowed else "hidden",
    )  # fmt: skip
    pages.append(page)
    tab_titles[page.url_path] = spec.title  # the default page's url_path is ""

# One flat list: Streamlit's section headers put <div>s inside the menu's <ul>, which screen
# readers (and axe-core) reject as a broken list.
page = st.navigation(pages, position="sidebar", expanded=True)
app_pages.remember_current(page.url_path)
st.set_page_config(page_title=app_pages.tab_title(tab_titles[page.url_path], registry.area.name))
components.sidebar_footer(registry)
auth.sidebar_identity(person)
# before the page: the data layer reads the switch (and the address, ?publication=1)
publication.sidebar_switch()
unavailable.run(page)  # page.run(), ending at the calm page if the database fails on the way
