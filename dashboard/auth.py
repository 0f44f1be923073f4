"""Sign-in on the Streamlit side: who is here (from `st.user`), the gate every run passes
through, role checks on the server, the local-mode banner, and recording each in the audit log.

The rules themselves (claims to roles, what local mode may serve) are in `metrics.auth`.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import streamlit as st

from dashboard import data
from metrics import audit
from metrics import auth as rules
from metrics.settings import Settings

_LOG = logging.getLogger(__name__)
_SIGNED_IN = "auth_sign_in_recorded"  # session state: the person whose sign-in is recorded
_REFUSED = "auth_no_role_recorded"
LOCAL_BANNER = (
    "**Local mode:** this dashboard is running for one person on this computer, with every role "
    "(viewer, officer and admin) and no sign-in. Do not use local mode on a shared server."
)
SIGN_IN_LABEL = "Sign in with your council account"
SIGN_OUT_LABEL = "Sign out"


def _claims() -> dict[str, Any]:
    try:
        return dict(st.user.to_dict())
    except Exception:  # no session (a bare import): nobody is signed in
        return {}


def person() -> rules.Person:
    """Who is using the dashboard in this session, and their role."""
    return rules.person(_claims(), Settings())


def current_role() -> str | None:
    return person().role


def current_user() -> str:
    """Who is recorded against a change: the signed-in person (in local mode, 'local user')."""
    return person().who or "unknown user"


def plain(text: str) -> str:
    """A name from a token or a header, shown as text: Markdown's special characters escaped,
    so that no name can turn into a link, an image or formatting."""
    return re.sub(r"([\\`*_{}\[\]()<>#!|~$])", r"\\\1", text)


def _record(action: str, who: str, detail: str, *, role: str | None, ref: str | None) -> None:
    audit.record(data.engine(), action, who, detail, role=role, ref=ref)


def refuse(allowed: frozenset[str], what: str, role: str | None = None) -> None:
    """Show why `what` is not allowed, record the refusal, and stop the run here: nothing after
    it runs. `role` is the role the check used (the signed-in person's when not given)."""
    who = person()
    checked = rules.Person(who.who, role if role is not None else who.role, who.mode)
    message = rules.refusal(checked, allowed, what)
    shown = rules.Person(plain(who.who), checked.role, who.mode)
    st.error(rules.refusal(shown, allowed, what), icon=":material/lock:")
    try:
        _record(audit.REFUSED, who.who or "not signed in", message, role=checked.role, ref=None)
    except Exception:  # the refusal stands even if the log cannot be written
        _LOG.exception("could not record a refusal in the audit log")
    st.stop()


# ---------------------------------------------------------------------------------------------
# The gate: every run of the app passes through here before any page
# ---------------------------------------------------------------------------------------------


def gate() -> rules.Person:
    """Stop the run unless someone with a role is here; record their sign-in once."""
    settings = Settings()
    who = rules.person(_claims(), settings)
    if settings.auth_mode == "local":
        _local_only(settings)
        st.info(LOCAL_BANNER, icon=":material/computer:")
        return who
    if not who.signed_in:
        _sign_in_screen(settings)
    if who.role is None:
        _no_role(who)
    _record_sign_in(who)
    return who


def _local_only(settings: Settings) -> None:
    """Local mode answers only this computer's own browser (defence in depth: `make run`
    already listens on 127.0.0.1 and refuses any other address)."""
    if rules.local_client_allowed(st.context.ip_address, settings):
        return
    st.error(
        "This dashboard is in local mode, which serves only the computer it runs on. Ask whoever "
        "runs it to set up sign-in (see Deployment in the README).",
        icon=":material/lock:",
    )
    st.stop()


def _sign_in_screen(settings: Settings) -> None:
    """Nobody is signed in: say how to, and show nothing else."""
    st.title("Sign in", anchor=False)
    if settings.auth_mode == "oidc":
        st.markdown(
            "The Measures of Success dashboard holds information about children and young people "
            "with special educational needs and disabilities, so only council staff and partners "
            "with access may see it. Sign in with your council account to continue."
        )
        if st.button(SIGN_IN_LABEL, type="primary", icon=":material/login:"):
            from dashboard import unavailable

            unavailable.require_oidc_secrets()  # a calm page, not st.login's error, if missing
            st.login(settings.oidc_provider or None)
    else:
        st.error(
            "Your request reached the dashboard without a signed-in identity, so nothing is "
            "shown. Open the dashboard through the council's sign-in gateway; if you did, ask the "
            "SEND data team to check the gateway's set-up.",
            icon=":material/lock:",
        )
    st.stop()


def _no_role(who: rules.Person) -> None:
    def message(name: str) -> str:
        return (
            f"You are signed in as {name}, but you do not have a role for this dashboard "
            "(viewer, officer or admin), so nothing is shown. Ask the SEND data team for access."
        )

    st.error(message(plain(who.who)), icon=":material/lock:")
    if st.session_state.get(_REFUSED) != who.who:
        _record(audit.REFUSED, who.who, f"Signed in without a role: {message(who.who)}",
                role=None, ref=None)  # fmt: skip
        st.session_state[_REFUSED] = who.who
    _sign_out_button(who)
    st.stop()


def _sign_in_ref(who: rules.Person) -> str | None:
    """What makes one sign-in: the ID token's issue time, so reloads and new tabs on the same
    sign-in are not counted again. None (header mode): once per browser session."""
    issued = _claims().get("iat")
    return f"token issued at {issued}" if who.mode == "oidc" and issued is not None else None


def _record_sign_in(who: rules.Person) -> None:
    if st.session_state.get(_SIGNED_IN) == (who.who, who.role):
        return
    how = {
        "oidc": "with the council's identity provider",
        "header": "through the sign-in gateway",
    }.get(who.mode, "")
    detail = f"Signed in {how} as {rules.ROLE_WORDS.get(who.role or '', 'no role')}."
    ref = _sign_in_ref(who)
    if ref is None:
        _record(audit.SIGN_IN, who.who, detail, role=who.role, ref=None)
    else:
        audit.record_once(data.engine(), audit.SIGN_IN, who.who, ref, detail, role=who.role)
    st.session_state[_SIGNED_IN] = (who.who, who.role)


# ---------------------------------------------------------------------------------------------
# The sidebar: who is signed in, and signing out
# ---------------------------------------------------------------------------------------------


def _sign_out_button(who: rules.Person) -> None:
    """Sign out (oidc mode; behind a gateway, the gateway signs people out)."""
    if who.mode != "oidc" or not who.signed_in:
        return
    if st.button(SIGN_OUT_LABEL, icon=":material/logout:", key="auth_sign_out"):
        _record(audit.SIGN_OUT, who.who, "Signed out.", role=who.role, ref=None)
        st.session_state.pop(_SIGNED_IN, None)
        st.logout()


def sidebar_identity(who: rules.Person) -> None:
    """Who is signed in and as what, with a sign-out button where the dashboard can sign out."""
    if who.mode == "local":
        return
    with st.sidebar:
        role = rules.ROLE_WORDS.get(who.role or "", "no role")
        st.markdown(f"Signed in as **{plain(who.who)}**, {role}.")
        _sign_out_button(who)
