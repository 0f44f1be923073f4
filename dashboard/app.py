"""Entry point: `streamlit run dashboard/app.py`. Builds the navigation and runs the chosen page."""

from __future__ import annotations

import streamlit as st

from dashboard import app_pages, components, data

st.set_page_config(
    page_title=app_pages.APP_NAME,
    page_icon=":material/monitoring:",
    layout="wide",
    # wide enough for "Priority 5: High-quality alternative provision" on one line
    initial_sidebar_state=400,
)

registry = data.registry()
specs = app_pages.pages_for(app_pages.current_role(), registry)
pages: list[st.Page] = []
tab_titles: dict[str, str] = {}
for spec in specs:
    page = st.Page(
        spec.file, title=spec.title, icon=spec.icon, url_path=spec.url_path,
        default=spec.default, help=spec.help or None,
    )  # fmt: skip
    pages.append(page)
    tab_titles[page.url_path] = spec.title  # the default page's url_path is ""

# One flat list: Streamlit's section headers put <div>s inside the menu's <ul>, which screen
# readers (and axe-core) reject as a broken list.
page = st.navigation(pages, position="sidebar", expanded=True)
st.set_page_config(page_title=app_pages.tab_title(tab_titles[page.url_path], registry.area.name))
components.sidebar_footer(registry)
page.run()
