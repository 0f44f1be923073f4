"""The calm page shown when the dashboard cannot work: the database cannot be reached or used,
the registry is invalid, or a required secret is missing (oidc mode's, when someone signs in).

Admins see what failed and how to fix it (`metrics.operator_errors`); everyone else sees that
the dashboard is unavailable and to try again later. Nobody sees a stack trace, and every
password is masked. Failures that are not an operator's to fix are left to Streamlit (whose
production setting shows no details), so a fault in the software is never hidden as a setting.
"""

from __future__ import annotations

import logging
from typing import Any, NoReturn

import sqlalchemy as sa
import streamlit as st

from dashboard import data
from metrics import auth as rules
from metrics import operator_errors
from metrics.settings import Settings

_LOG = logging.getLogger(__name__)
TITLE = "The dashboard is unavailable"
FOR_EVERYONE = "The dashboard is unavailable at the moment. Please try again later."
FOR_ADMINS = "What failed, and how to fix it (shown to admins only):"


def _is_admin() -> bool:
    """Whether this person is an admin, from their sign-in alone (the database may be down)."""
    settings = Settings()
    if settings.auth_mode == "local" and not rules.local_client_allowed(
        st.context.ip_address, settings
    ):
        return False
    try:
        claims = dict(st.user.to_dict())
    except Exception:
        claims = {}
    return rules.person(claims, settings).role == rules.ADMIN


def show(error: operator_errors.OperatorError) -> NoReturn:
    """The calm page, then stop the run: nothing after it runs."""
    _LOG.warning("dashboard unavailable (%s): %s", error.kind, error.paragraph())
    st.title(TITLE, anchor=False)
    st.info(FOR_EVERYONE, icon=":material/schedule:")
    if _is_admin():
        st.markdown(FOR_ADMINS)
        st.warning(error.paragraph(), icon=":material/build:")
    st.stop()
    raise AssertionError("unreachable")  # st.stop raises; this keeps type checkers content


def require_oidc_secrets() -> None:
    """oidc mode, before `st.login`: the calm page if secrets.toml lacks what it needs."""
    settings = Settings()
    if settings.auth_mode != "oidc":
        return
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets.toml at all
        section = None
    missing = rules.oidc_secret_problems(section, settings.oidc_provider)
    if missing:
        err = operator_errors.MissingSecret(
            ", ".join(missing),
            "oidc mode signs people in with the council's identity provider, which needs these "
            "values in .streamlit/secrets.toml.",
            "copy deploy/secrets.example.toml to .streamlit/secrets.toml beside the app, fill "
            "in the values from the app registration, and restart the app "
            "(`python -m metrics doctor` checks it).",
        )
        found = operator_errors.classify(err)
        assert found is not None
        show(found)


def preflight() -> None:
    """Before anything else: the database (one round trip) and the registry. A failure an
    operator can fix stops the run at the calm page."""
    try:
        with data.engine().connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        data.registry()
    except Exception as err:
        found = operator_errors.classify(err, data.database_url())
        if found is None:
            raise
        show(found)


def run(page: Any) -> None:
    """Run the page; a failure an operator can fix on the way (e.g. the disk filled up, or the
    database went away) ends at the calm page instead of an error box."""
    try:
        page.run()
    except Exception as err:
        found = operator_errors.classify(err, data.database_url())
        if found is None:
            raise
        show(found)
