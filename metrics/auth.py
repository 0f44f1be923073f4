"""Who someone is and what they may do: roles from sign-in claims, and the local mode's guard.

No Streamlit here: `dashboard/auth.py` hands in what `st.user` holds. The three sign-in modes:
- `local`: one person on their own machine, with every role; served on a loopback address only.
- `oidc`: Streamlit's `st.login` against the council's identity provider; roles from a claim
  of the ID token (default `roles`), mapped to ours by `Settings.role_map`.
- `header`: an authenticating reverse proxy sets headers that Streamlit copies into `st.user`
  (`server.trustedUserHeaders`); roles from the key named by `Settings.role_claim`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from metrics.settings import Settings

VIEWER = "viewer"
OFFICER = "officer"
ADMIN = "admin"
# Lowest first: each role can do everything the ones before it can.
ROLES: tuple[str, ...] = (VIEWER, OFFICER, ADMIN)
ROLE_WORDS = {VIEWER: "a viewer", OFFICER: "an officer", ADMIN: "an admin"}
LOCAL_USER = "local user"
# The st.user keys that name a person, best first (Entra ID: email, then preferred_username).
IDENTITY_KEYS = ("email", "preferred_username", "upn", "name", "sub")
LOOPBACK_NAMES = frozenset({"localhost", "localhost."})


@dataclass(frozen=True)
class Person:
    """Someone using the dashboard: who (as recorded in the audit) and their role, if any."""

    who: str  # "" when nobody is signed in
    role: str | None  # None: not signed in, or signed in with no role here
    mode: str

    @property
    def signed_in(self) -> bool:
        return bool(self.who)


def claim_values(value: object) -> list[str]:
    """A claim as a list of strings: a JSON list as given, a header's 'a, b' split on commas."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, Sequence):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


def role_from_claims(
    claims: Mapping[str, object], claim: str, role_map: Mapping[str, str]
) -> str | None:
    """The highest of our roles that the claim's values map to; None when none does."""
    mapped = {role_map[v] for v in claim_values(claims.get(claim)) if v in role_map}
    held = [r for r in ROLES if r in mapped]
    return held[-1] if held else None


def identity(claims: Mapping[str, object]) -> str:
    """The first non-empty of the claims that name a person; "" when none is there."""
    for key in IDENTITY_KEYS:
        value = claims.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def person(claims: Mapping[str, object], settings: Settings | None = None) -> Person:
    """Who is using the dashboard, from what `st.user` holds, in the configured mode."""
    settings = settings or Settings()
    mode = settings.auth_mode
    if mode == "local":
        return Person(LOCAL_USER, ADMIN, mode)
    # oidc: only Streamlit's signed cookie sets is_logged_in; header: the proxy's headers
    if mode == "oidc" and claims.get("is_logged_in") is not True:
        return Person("", None, mode)
    who = identity(claims)
    if not who:
        return Person("", None, mode)
    return Person(who, role_from_claims(claims, settings.role_claim, settings.role_map), mode)


def allows(role: str | None, allowed: frozenset[str]) -> bool:
    return role is not None and role in allowed


def refusal(person: Person, allowed: frozenset[str], what: str) -> str:
    """Why someone may not do `what`, in a sentence they can act on."""
    needed = " or ".join(ROLE_WORDS.get(r, r) for r in sorted(allowed, reverse=True))
    if not person.signed_in:
        return f"{what} is only for {needed}, and you are not signed in. Sign in first."
    if person.role is None:
        return (
            f"{what} is only for {needed}; you are signed in as {person.who}, without a role "
            "for this dashboard. Ask the SEND data team if you need access."
        )
    return (
        f"{what} is only for {needed}; you are using the dashboard as "
        f"{ROLE_WORDS.get(person.role, person.role)}. Ask the SEND data team if you need access."
    )


# ---------------------------------------------------------------------------------------------
# Local mode: this machine only
# ---------------------------------------------------------------------------------------------


class UnsafeBind(RuntimeError):
    """Local mode asked to listen on an address other people can reach."""


def is_loopback(address: str | None) -> bool:
    """Whether an address reaches only this machine. Unset, 0.0.0.0 and :: listen everywhere."""
    if not address:
        return False
    if address.startswith("unix://") or address.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def check_local_bind(address: str | None, settings: Settings | None = None) -> None:
    """Refuse to serve local mode (every role, no sign-in) beyond this machine, unless the
    operator has set MEASURES_LOCAL_ALLOW_REMOTE on purpose."""
    settings = settings or Settings()
    if settings.auth_mode != "local" or settings.local_allow_remote or is_loopback(address):
        return
    shown = address or "every network interface (no server.address set)"
    raise UnsafeBind(
        f"Refusing to start: local mode gives everyone who can reach the dashboard every role, "
        f"without signing in, and it was asked to listen on {shown}. Use a loopback address "
        "(--server.address 127.0.0.1), choose a sign-in mode (MEASURES_AUTH_MODE=oidc or "
        "header), or, if this really is what you want, set MEASURES_LOCAL_ALLOW_REMOTE=true."
    )


def local_client_allowed(client_ip: str | None, settings: Settings | None = None) -> bool:
    """Local mode serves only this machine's own browser (the IP is None for loopback)."""
    settings = settings or Settings()
    if settings.auth_mode != "local" or settings.local_allow_remote or client_ip is None:
        return True
    return is_loopback(client_ip)


# ---------------------------------------------------------------------------------------------
# Header mode: identity headers are believed only from the proxy
# ---------------------------------------------------------------------------------------------

# The headers authenticating proxies use to name someone (README, "Behind an authenticating
# proxy"); the names Streamlit is configured to copy (server.trustedUserHeaders) are added to them.
IDENTITY_HEADERS = frozenset(
    {
        "x-forwarded-email",
        "x-forwarded-groups",
        "x-forwarded-user",
        "x-forwarded-preferred-username",
        "remote-user",
    }
)
IDENTITY_HEADER_PREFIXES = ("x-auth-request-",)


def trusted_networks(
    settings: Settings | None = None,
) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """MEASURES_TRUSTED_PROXIES as networks (an address is a network of one); a value that is
    neither is reported by `trusted_proxy_problems` and trusts nothing."""
    settings = settings or Settings()
    networks = []
    for part in settings.trusted_proxies.split(","):
        try:
            networks.append(ipaddress.ip_network(part.strip(), strict=False))
        except ValueError:
            continue
    return networks


def trusted_proxy_problems(settings: Settings | None = None) -> list[str]:
    """Entries of MEASURES_TRUSTED_PROXIES that are not an IP address or network."""
    settings = settings or Settings()
    bad = []
    for part in settings.trusted_proxies.split(","):
        try:
            ipaddress.ip_network(part.strip(), strict=False)
        except ValueError:
            bad.append(part.strip() or "(empty)")
    return bad


def is_trusted_proxy(address: str | None, settings: Settings | None = None) -> bool:
    """Whether a request from `address` may carry identity headers (header mode)."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return False  # a unix socket or a name: only addresses can be listed
    return any(ip in net for net in trusted_networks(settings))


def is_identity_header(name: str, configured: frozenset[str] = frozenset()) -> bool:
    lowered = name.lower()
    return (
        lowered in IDENTITY_HEADERS
        or lowered in configured
        or lowered.startswith(IDENTITY_HEADER_PREFIXES)
    )


# ---------------------------------------------------------------------------------------------
# oidc mode: the secrets Streamlit's st.login needs
# ---------------------------------------------------------------------------------------------

OIDC_AUTH_KEYS = ("redirect_uri", "cookie_secret")
OIDC_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")


def oidc_secret_problems(
    auth_section: Mapping[str, object] | None, provider: str = ""
) -> list[str]:
    """The [auth] keys of secrets.toml that oidc mode needs and that are missing or empty."""
    section = dict(auth_section or {})
    where = f"[auth.{provider}]" if provider else "[auth]"
    inner = section.get(provider) if provider else section
    inner = dict(inner) if isinstance(inner, Mapping) else {}
    missing = [f"[auth] {k}" for k in OIDC_AUTH_KEYS if not str(section.get(k) or "").strip()]
    missing += [f"{where} {k}" for k in OIDC_PROVIDER_KEYS if not str(inner.get(k) or "").strip()]
    return missing
