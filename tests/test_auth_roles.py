"""Who someone is and what they may do, from what `st.user` holds in each sign-in mode, and the
local mode's refusal to serve anyone but this computer (metrics/auth.py)."""

from __future__ import annotations

import pytest

from metrics import auth
from metrics.settings import Settings

ENTRA_MAP = {
    "Measures.Viewer": "viewer",
    "Measures.Officer": "officer",
    "Measures.Admin": "admin",
}


def settings(**values: object) -> Settings:
    return Settings(**values)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Roles from claims
# ---------------------------------------------------------------------------------------------


def test_a_token_roles_list_maps_to_our_role_through_the_configured_map() -> None:
    # Entra ID puts app roles in the ID token as a list under "roles"
    claims = {"roles": ["Measures.Officer"]}
    assert auth.role_from_claims(claims, "roles", ENTRA_MAP) == "officer"


def test_someone_with_several_roles_gets_the_highest() -> None:
    claims = {"roles": ["Measures.Viewer", "Measures.Admin", "Measures.Officer"]}
    assert auth.role_from_claims(claims, "roles", ENTRA_MAP) == "admin"


def test_values_the_map_does_not_name_give_no_role() -> None:
    # a council-wide group, and our own role names, which this map does not list
    claims = {"roles": ["All.Staff", "admin"]}
    assert auth.role_from_claims(claims, "roles", ENTRA_MAP) is None
    assert auth.role_from_claims({}, "roles", ENTRA_MAP) is None


def test_a_proxy_header_lists_roles_separated_by_commas() -> None:
    # oauth2-proxy sends groups as one header: "a,b"; spaces around the commas are trimmed
    claims = {"groups": "Finance, Measures.Viewer ,Measures.Officer"}
    assert auth.role_from_claims(claims, "groups", ENTRA_MAP) == "officer"


def test_the_claim_to_read_is_configurable() -> None:
    claims = {"roles": ["Measures.Admin"], "measures_roles": ["Measures.Viewer"]}
    assert auth.role_from_claims(claims, "measures_roles", ENTRA_MAP) == "viewer"


def test_the_default_map_is_our_own_three_role_names() -> None:
    default = Settings().role_map
    assert default == {"viewer": "viewer", "officer": "officer", "admin": "admin"}
    assert auth.role_from_claims({"roles": ["officer"]}, "roles", default) == "officer"


def test_a_map_that_names_a_role_we_do_not_have_is_rejected() -> None:
    with pytest.raises(ValueError, match="role_map"):
        settings(role_map={"Measures.Boss": "superuser"})


# ---------------------------------------------------------------------------------------------
# Who is here, in each mode
# ---------------------------------------------------------------------------------------------


def test_local_mode_is_one_local_user_with_every_role_whatever_the_claims() -> None:
    person = auth.person({}, settings(auth_mode="local"))
    assert (person.who, person.role, person.signed_in) == ("local user", "admin", True)


def test_oidc_needs_streamlits_signed_in_flag() -> None:
    oidc = settings(auth_mode="oidc")
    # the same claims without is_logged_in (e.g. a header someone added) sign nobody in
    claims = {"email": "ann@council.example", "roles": ["officer"]}
    assert not auth.person(claims, oidc).signed_in
    signed_in = auth.person(claims | {"is_logged_in": True}, oidc)
    assert (signed_in.who, signed_in.role) == ("ann@council.example", "officer")


def test_a_person_is_named_by_email_then_preferred_username_then_subject() -> None:
    assert auth.identity({"sub": "8f2c", "email": "ann@council.example"}) == "ann@council.example"
    assert auth.identity({"sub": "8f2c", "preferred_username": "ann@tenant"}) == "ann@tenant"
    assert auth.identity({"sub": "8f2c", "email": "  "}) == "8f2c"
    assert auth.identity({"email": None}) == ""


def test_header_mode_signs_in_whoever_the_proxy_names() -> None:
    header = settings(auth_mode="header", role_claim="groups", role_map=ENTRA_MAP)
    # Streamlit sets every configured header's key, None when the request did not carry it
    assert not auth.person({"email": None, "groups": None}, header).signed_in
    person = auth.person({"email": "bo@council.example", "groups": "Measures.Viewer"}, header)
    assert (person.who, person.role) == ("bo@council.example", "viewer")


def test_signed_in_without_a_role_is_signed_in_with_no_role() -> None:
    person = auth.person(
        {"is_logged_in": True, "email": "cy@council.example"}, settings(auth_mode="oidc")
    )
    assert person.signed_in and person.role is None
    assert not auth.allows(person.role, frozenset({"viewer", "officer", "admin"}))


def test_a_refusal_says_what_is_needed_and_why() -> None:
    viewer = auth.Person("dee@council.example", "viewer", "oidc")
    assert auth.refusal(viewer, frozenset({"officer", "admin"}), "Uploading data") == (
        "Uploading data is only for an officer or an admin; you are using the dashboard as a "
        "viewer. Ask the SEND data team if you need access."
    )
    nobody = auth.Person("", None, "oidc")
    assert "you are not signed in" in auth.refusal(nobody, frozenset({"admin"}), "The audit log")


# ---------------------------------------------------------------------------------------------
# Local mode serves this computer only
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_loopback_addresses_reach_only_this_computer(address: str) -> None:
    assert auth.is_loopback(address)


@pytest.mark.parametrize("address", [None, "", "0.0.0.0", "::", "192.168.1.20", "dash.local"])
def test_other_addresses_may_reach_other_computers(address: str | None) -> None:
    # unset: Streamlit listens on every interface; a host name may resolve to anything
    assert not auth.is_loopback(address)


def test_local_mode_refuses_a_non_loopback_address() -> None:
    with pytest.raises(auth.UnsafeBind, match=r"listen on 0\.0\.0\.0"):
        auth.check_local_bind("0.0.0.0", settings(auth_mode="local"))
    with pytest.raises(auth.UnsafeBind, match="every network interface"):
        auth.check_local_bind(None, settings(auth_mode="local"))
    auth.check_local_bind("127.0.0.1", settings(auth_mode="local"))


def test_the_operator_can_override_the_refusal_on_purpose() -> None:
    auth.check_local_bind("0.0.0.0", settings(auth_mode="local", local_allow_remote=True))


def test_signed_in_modes_may_listen_anywhere() -> None:
    # behind a proxy on another host, the app listens on a private address
    auth.check_local_bind("10.0.0.5", settings(auth_mode="oidc"))
    auth.check_local_bind("0.0.0.0", settings(auth_mode="header"))


def test_local_mode_answers_only_this_computers_browser() -> None:
    local = settings(auth_mode="local")
    # Streamlit gives no IP address for a loopback connection
    assert auth.local_client_allowed(None, local)
    assert not auth.local_client_allowed("192.168.1.20", local)
    assert auth.local_client_allowed("192.168.1.20", settings(local_allow_remote=True))
    assert auth.local_client_allowed("192.168.1.20", settings(auth_mode="oidc"))
