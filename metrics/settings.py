"""Settings from the environment (prefix MEASURES_), with safe local defaults."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SQLITE = PROJECT_ROOT / "var" / "measures.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MEASURES_", env_file=".env", extra="ignore")

    # Any SQLAlchemy URL; PostgreSQL as postgresql+psycopg://user@host/db
    database_url: str = f"sqlite:///{DEFAULT_SQLITE}"
    # Counts from 1 to threshold-1 are suppressed in anything published
    disclosure_threshold: int = 5
    auth_mode: Literal["local", "oidc", "header"] = "local"
    # local mode serves one person on this machine: any other address needs this set on purpose
    local_allow_remote: bool = False
    # oidc and header modes: the claim (or st.user key) holding a person's roles, and what each
    # of its values means here; values not in the map give no role
    role_claim: str = "roles"
    role_map: dict[str, Literal["viewer", "officer", "admin"]] = {
        "viewer": "viewer",
        "officer": "officer",
        "admin": "admin",
    }
    # oidc mode: the provider's name under [auth] in secrets.toml; empty for keys in [auth] itself
    oidc_provider: str = ""
    # header mode: the addresses (or networks, e.g. 10.0.0.0/24) of the authenticating proxy,
    # comma separated; identity headers from any other address are refused
    trusted_proxies: str = "127.0.0.1, ::1"
    max_upload_mb: int = 20
    # the area's indicator registry (a TOML file); empty: the registry shipped with the project
    registry: Path | None = None
    # load the synthetic demo data even though the registry in force is not the shipped one
    demo: bool = False
    # The secret key that pseudonymises SEN2 returns (metrics.pseudonym); empty: no SEN2 import
    pseudonym_key: SecretStr = SecretStr("")  # never shown in a repr or a log
    timezone: str = "Europe/London"


@cache
def get_settings() -> Settings:
    return Settings()
