"""The shipped production examples (deploy/) say what the Deployment guide says they do: every
Streamlit option is one Streamlit knows, the hardening settings are on, the Entra ID secrets
example has every key `st.login` needs, and the nginx files strip and set the right headers."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from streamlit import config

from metrics.auth import is_loopback
from metrics.settings import Settings

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
PRODUCTION = tomllib.loads((DEPLOY / "streamlit-production.toml").read_text(encoding="utf-8"))
SECRETS = tomllib.loads((DEPLOY / "secrets.example.toml").read_text(encoding="utf-8"))
IDENTITY_HEADERS = [
    "X-Forwarded-Email", "X-Forwarded-User", "X-Forwarded-Groups",
    "X-Forwarded-Preferred-Username", "X-Auth-Request-Email", "X-Auth-Request-User",
    "X-Auth-Request-Groups", "Remote-User",
]  # fmt: skip


def _options(toml: dict[str, dict[str, object]]) -> dict[str, object]:
    return {f"{section}.{name}": v for section, opts in toml.items() for name, v in opts.items()}


def _nginx(name: str) -> str:
    text = (DEPLOY / name).read_text(encoding="utf-8")
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())  # without comments


def test_every_production_option_is_a_streamlit_option() -> None:
    known = set(config._config_options_template)
    assert set(_options(PRODUCTION)) - known == set()


def test_production_hides_errors_limits_uploads_and_checks_origins_and_hosts() -> None:
    options = _options(PRODUCTION)
    assert options["client.showErrorDetails"] == "none"
    # the same modest limit as the dashboard's own check of every file
    assert options["server.maxUploadSize"] == Settings().max_upload_mb == 20
    assert options["server.enableXsrfProtection"] is True
    assert options["server.enableCORS"] is True
    hosts = options["server.allowedHosts"]
    assert isinstance(hosts, list) and hosts and "*" not in hosts
    origins = options["server.corsAllowedOrigins"]
    assert isinstance(origins, list) and all(str(o).startswith("https://") for o in origins)
    # behind the proxy on the same host; the cookie secret is never in a file
    assert is_loopback(str(options["server.address"]))
    assert "server.cookieSecret" not in options


def test_the_entra_id_example_has_every_key_st_login_needs() -> None:
    section = SECRETS["auth"]
    for key in ("redirect_uri", "cookie_secret", "client_id", "client_secret",
                "server_metadata_url"):  # fmt: skip
        assert section[key], key
    assert re.fullmatch(r"https://[^/]+/oauth2callback", section["redirect_uri"])
    assert re.fullmatch(
        r"https://login\.microsoftonline\.com/[0-9a-f-]{36}/v2\.0/"
        r"\.well-known/openid-configuration",
        section["server_metadata_url"],
    )
    assert "openid" in section["client_kwargs"]["scope"].split()


def test_nginx_strips_every_identity_header_a_client_could_send() -> None:
    text = _nginx("nginx.conf")
    for header in IDENTITY_HEADERS:
        assert re.search(rf'proxy_set_header\s+{header}\s+""\s*;', text), header
    assert re.search(r"underscores_in_headers\s+off\s*;", text)


def test_the_gateway_sets_who_and_their_roles_from_its_own_sign_in_and_strips_the_rest() -> None:
    text = _nginx("nginx-gateway.conf")
    assert re.search(r"auth_request\s+/oauth2/auth\s*;", text)
    assert re.search(r"proxy_set_header\s+X-Forwarded-Email\s+\$measures_email\s*;", text)
    assert re.search(r"proxy_set_header\s+X-Forwarded-Groups\s+\$measures_groups\s*;", text)
    assert re.search(
        r"auth_request_set\s+\$measures_email\s+\$upstream_http_x_auth_request_email", text
    )
    for header in set(IDENTITY_HEADERS) - {"X-Forwarded-Email", "X-Forwarded-Groups"}:
        assert re.search(rf'proxy_set_header\s+{header}\s+""\s*;', text), header
    assert re.search(r"underscores_in_headers\s+off\s*;", text)


def test_both_proxies_end_tls_keep_sessions_sticky_and_carry_the_websocket() -> None:
    for name in ("nginx.conf", "nginx-gateway.conf"):
        text = _nginx(name)
        assert re.search(r"listen\s+443\s+ssl", text), name
        assert "ip_hash;" in text, name
        assert re.search(r"proxy_set_header\s+Upgrade\s+\$http_upgrade\s*;", text), name
        assert re.search(r"proxy_set_header\s+X-Forwarded-Proto\s+https\s*;", text), name
        assert re.search(
            r'add_header\s+Strict-Transport-Security\s+"max-age=31536000; includeSubDomains"'
            r"\s+always\s*;",
            text,
        ), name
