"""Settings, read from the environment (docs/reference/configuration.md)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from graphcrm.errors import ConfigError

DEFAULT_SECRET_KEY = "dev-only-not-secret"


@dataclass(frozen=True)
class Settings:
    #: where the embedded database keeps its files
    data_dir: Path = field(default_factory=lambda: Path(platformdirs.user_data_dir("graphcrm")))
    #: unset: embedded FalkorDB; bolt://, neo4j://, neo4j+s://...: Neo4j
    database_url: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    neo4j_database: str = "neo4j"
    #: the graph (FalkorDB) that holds the data
    graph_name: str = "graphcrm"
    #: append-only file fsync policy of the embedded store: "always" (no
    #: acknowledged write is lost, ~3,700 writes/s) or "everysec" (faster, may
    #: lose the last second on power loss)
    fsync: str = "always"
    #: seconds a statement may wait for the database's answer before the
    #: caller gets StoreTimeout (a page: 503); 10 s is six times the
    #: database's share of the scale-L portfolio read (1.6 s,
    #: bench/results/M-L-2026-11-25-evening.json)
    db_timeout: float = 10.0
    #: FalkorDB's experimental Bolt port (tests of the Neo4j code path); 0 = off
    bolt_port: int = 0
    #: the site's address as users reach it (scheme, host, any path): the links of e-mails
    base_url: str = "http://localhost:5000"
    #: the mail server that sends the weekly digest (graphcrm digest); unset: e-mail is off
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    #: the sender of the digest, such as GraphCRM <crm@example.com>
    smtp_from: str | None = None
    #: STARTTLS before signing in and sending (off only for a server on the same machine)
    smtp_starttls: bool = True
    secret_key: str = DEFAULT_SECRET_KEY
    #: the TLS-terminating reverse proxy in front of ``serve --prod`` (address
    #: or "*"): its X-Forwarded-Proto / X-Forwarded-For headers are believed
    trusted_proxy: str = "127.0.0.1"
    #: processes that compute the portfolio report's account rows at once
    #: (one per core, at most 4: at scale L two cores take it from 4.6 s to 2.4 s)
    analysis_workers: int = field(default_factory=lambda: min(4, os.cpu_count() or 1))
    #: the time zone (IANA name) pages show times in and forms read them in;
    #: the database keeps UTC
    timezone: str = "Asia/Shanghai"
    #: the annual limit of gifts and hospitality per person, in the reporting
    #: currency of the exchange rates (graphcrm/compliance.py); None: no limit
    gift_limit: float | None = 500.0
    #: requests an API token may make (limits' notation: "120 per minute", "10/second"),
    #: counted in the memory of each web server process (graphcrm/web/tokens.py)
    api_rate_limit: str = "120 per minute"

    @classmethod
    def from_env(cls, environ: dict | None = None, **overrides) -> "Settings":
        env = os.environ if environ is None else environ
        values: dict = {}
        if env.get("GRAPHCRM_DATA_DIR"):
            values["data_dir"] = Path(env["GRAPHCRM_DATA_DIR"]).expanduser()
        simple = {
            "GRAPHCRM_DATABASE_URL": "database_url",
            "GRAPHCRM_NEO4J_USER": "neo4j_user",
            "GRAPHCRM_NEO4J_PASSWORD": "neo4j_password",
            "GRAPHCRM_NEO4J_DATABASE": "neo4j_database",
            "GRAPHCRM_GRAPH": "graph_name",
            "GRAPHCRM_FSYNC": "fsync",
            "GRAPHCRM_SECRET_KEY": "secret_key",
            "GRAPHCRM_TRUSTED_PROXY": "trusted_proxy",
            "GRAPHCRM_TIMEZONE": "timezone",
        }
        for var, name in simple.items():
            if env.get(var):
                values[name] = env[var]
        values.update(_mail(env))
        for var, name, least in (("GRAPHCRM_BOLT_PORT", "bolt_port", 0),
                                 ("GRAPHCRM_ANALYSIS_WORKERS", "analysis_workers", 1)):
            if env.get(var):
                if not env[var].isdigit() or int(env[var]) < least:
                    raise ConfigError(f"{var} must be a whole number of at least {least}, not {env[var]!r}")
                values[name] = int(env[var])
        if env.get("GRAPHCRM_DB_TIMEOUT"):
            values["db_timeout"] = _seconds("GRAPHCRM_DB_TIMEOUT", env["GRAPHCRM_DB_TIMEOUT"])
        if env.get("GRAPHCRM_GIFT_LIMIT"):
            values["gift_limit"] = _gift_limit(env["GRAPHCRM_GIFT_LIMIT"])
        if env.get("GRAPHCRM_API_RATE_LIMIT"):
            values["api_rate_limit"] = _rate_limit(env["GRAPHCRM_API_RATE_LIMIT"])
        values.update(overrides)
        if "timezone" in values:
            _zone("GRAPHCRM_TIMEZONE", values["timezone"])
        return cls(**values)

    @property
    def zone(self) -> ZoneInfo:
        """The :attr:`timezone` as a ``ZoneInfo``."""
        return _zone("GRAPHCRM_TIMEZONE", self.timezone)

    @property
    def backend(self) -> str:
        return "neo4j" if self.database_url else "falkordb"


def _mail(env) -> dict:
    """The settings of e-mail (the GRAPHCRM_SMTP_* variables) and GRAPHCRM_BASE_URL, checked."""
    values: dict = {name: env[var] for var, name in (
        ("GRAPHCRM_SMTP_HOST", "smtp_host"), ("GRAPHCRM_SMTP_USER", "smtp_user"),
        ("GRAPHCRM_SMTP_PASSWORD", "smtp_password"), ("GRAPHCRM_SMTP_FROM", "smtp_from")) if env.get(var)}
    if env.get("GRAPHCRM_BASE_URL"):
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", env["GRAPHCRM_BASE_URL"]):
            raise ConfigError("GRAPHCRM_BASE_URL must be the site's address such as https://crm.example.com, "
                              f"not {env['GRAPHCRM_BASE_URL']!r}")
        values["base_url"] = env["GRAPHCRM_BASE_URL"].rstrip("/")
    if env.get("GRAPHCRM_SMTP_PORT"):
        port = env["GRAPHCRM_SMTP_PORT"]
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise ConfigError(f"GRAPHCRM_SMTP_PORT must be a port number from 1 to 65535, not {port!r}")
        values["smtp_port"] = int(port)
    if env.get("GRAPHCRM_SMTP_STARTTLS"):
        flag = env["GRAPHCRM_SMTP_STARTTLS"].strip().lower()
        if flag not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
            raise ConfigError(f"GRAPHCRM_SMTP_STARTTLS must be 1 or 0, not {env['GRAPHCRM_SMTP_STARTTLS']!r}")
        values["smtp_starttls"] = flag in ("1", "true", "yes", "on")
    return values


def _zone(var: str, name: str) -> ZoneInfo:
    """The time zone ``name`` (such as Asia/Shanghai), or ConfigError naming ``var``."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{var} must be a time zone such as Asia/Shanghai or Europe/Berlin, not {name!r}") from None


def _seconds(var: str, text: str) -> float:
    """A positive number of seconds from the environment variable ``var``."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise ConfigError(f"{var} must be a positive number of seconds, not {text!r}")
    return value


def _gift_limit(text: str) -> float | None:
    """GRAPHCRM_GIFT_LIMIT: an amount from 0, or ``off`` (no limit)."""
    if text.strip().lower() == "off":
        return None
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 <= value < float("inf"):
        raise ConfigError(f"GRAPHCRM_GIFT_LIMIT must be an amount from 0 (in the reporting currency) or off, "
                          f"not {text!r}")
    return value


def _rate_limit(text: str) -> str:
    """GRAPHCRM_API_RATE_LIMIT: a number of requests per period, such as ``120 per minute``."""
    from limits import parse

    try:
        amount = parse(text).amount
    except ValueError:
        amount = 0
    if amount < 1:
        raise ConfigError("GRAPHCRM_API_RATE_LIMIT must be a number of requests per period such as "
                          f"'120 per minute' or '5/second', not {text!r}")
    return text.strip()
