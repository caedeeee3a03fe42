"""Settings: the only module that reads the environment.

Every setting is a field of :class:`Settings` with a ``help`` text; the README's settings table lists them all
(a test keeps the two in step). Environment variables are named ``IPGRAPH_`` plus the field name in capitals.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

from ipgraph.errors import SettingsError

ENV_PREFIX = "IPGRAPH_"
StoreMode = Literal["embedded", "remote"]
RemoteAuth = Literal["basic", "digest"]
#: What runs the report shapes: their compiled SPARQL checks, or pySHACL (the reference).
ValidationEngine = Literal["compiled", "pyshacl"]


def _setting(default: Any, help: str) -> Any:
    if isinstance(default, tuple | list):
        return field(default_factory=lambda: tuple(default), metadata={"help": help})
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """Everything an operator can choose; built by the CLI or by tests and passed down, never global."""

    data_dir: Path = _setting(Path("var"), "Directory holding the store, tokens and report receipts.")
    project_dir: Path = _setting(
        Path(__file__).resolve().parents[2],
        "Directory holding ontology/, data/, shapes/ and queries/ (the project checkout).",
    )
    host: str = _setting("127.0.0.1", "Address `ipgraph serve` listens on.")
    port: int = _setting(8000, "Port `ipgraph serve` listens on.")
    base_iri: str = _setting(
        "https://w3id.org/ipgraph/", "Base of every published IRI; requests for /id/… and /def are answered from it."
    )
    public_url: str = _setting(
        "",
        "The URL this service is reached at, for links in descriptions and the IRIs of graphs created through "
        "/store (empty: links follow the request's host, one of IPGRAPH_TRUSTED_HOSTS; graph IRIs use "
        "IPGRAPH_HOST and IPGRAPH_PORT).",
    )
    trusted_hosts: tuple[str, ...] = _setting(
        ("127.0.0.1", "localhost"),
        "Comma-separated host names a request's Host header may carry (`*.example.org` for subdomains, `*` for "
        "any); the host of IPGRAPH_PUBLIC_URL is always trusted; any other Host is answered 400.",
    )
    store_mode: StoreMode = _setting("embedded", "`embedded` (pyoxigraph on disk) or `remote` (a SPARQL 1.1 server).")
    remote_query_url: str = _setting("", "Remote mode: the SPARQL query endpoint.")
    remote_update_url: str = _setting("", "Remote mode: the SPARQL update endpoint.")
    remote_store_url: str = _setting("", "Remote mode: the Graph Store HTTP Protocol endpoint.")
    remote_user: str = _setting("", "Remote mode: user name for HTTP authentication (empty: none).")
    remote_password: str = _setting("", "Remote mode: password for HTTP authentication to the SPARQL server.")
    remote_auth: RemoteAuth = _setting(
        "basic", "Remote mode: how the credentials are sent, `basic` or `digest` (Virtuoso's `-auth` endpoints)."
    )
    query_timeout: float = _setting(5.0, "Seconds a SPARQL query may run before it is stopped.")
    row_limit: int = _setting(10000, "Most result rows returned; a cut result says so in the response.")
    query_workers: int = _setting(
        2,
        "Embedded store: worker processes answering SPARQL queries (a query past its deadline costs its worker, "
        "which is replaced).",
    )
    query_memory_mb: int = _setting(
        1024,
        "Embedded store: megabytes of data one query worker may use; a query past it is stopped (503) and "
        "its worker replaced (0: no ceiling).",
    )
    read_only: bool = _setting(False, "Refuse every write (SPARQL update, Graph Store writes, report submissions).")
    admin_token: str = _setting("", "Bearer token for SPARQL update and Graph Store writes (empty: writes refused).")
    allowed_service_endpoints: tuple[str, ...] = _setting(
        (), "Comma-separated IRIs that SERVICE, LOAD or FROM may fetch; nothing else is ever fetched."
    )
    fetch_guard: bool = _setting(
        True,
        "Refuse SPARQL naming a URL to fetch before the engine sees it. Turn off only to test the second "
        "wall: the engine runs without network access unless endpoints are allowed.",
    )
    cors_origins: tuple[str, ...] = _setting(("*",), "Comma-separated origins allowed by CORS.")
    max_body_bytes: int = _setting(5 * 1024 * 1024, "Largest request body accepted (413 beyond).")
    validation_timeout: float = _setting(20.0, "Seconds parsing and validating one report may take.")
    max_concurrent_validations: int = _setting(4, "Reports validated at the same time; more wait, then get 503.")
    validation_workers: int = _setting(
        -1,
        "Worker processes that validate reports, so validation does not slow queries in the server process "
        "(-1: one per concurrent validation, IPGRAPH_MAX_CONCURRENT_VALIDATIONS; 0: validate in the server process). "
        "Started when first needed; fewer than the concurrent validations make admitted ones wait for a worker.",
    )
    validation_engine: ValidationEngine = _setting(
        "compiled",
        "What checks reports against the shapes: `compiled` (the shapes as SPARQL queries, about three times "
        "faster) or `pyshacl` (the reference; also used whenever the shapes hold something the compiler does not "
        "know).",
    )
    max_validations_per_client: int = _setting(
        2,
        "Anonymous validations one client address may run or wait for at once (429 beyond), so one client cannot "
        "take every slot.",
    )
    max_report_bytes: int = _setting(
        256 * 1024, "Largest report upload (/reports, /reports/validate, the form) accepted (413 beyond)."
    )
    max_report_triples: int = _setting(1000, "Most triples one report may hold (413 beyond); real ones hold hundreds.")
    load_examples: bool = _setting(False, "Load data/examples/ into the examples graph on first start.")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``IPGRAPH_*`` variables, then apply explicit overrides (CLI flags)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for spec in dataclasses.fields(cls):
            raw = env.get(ENV_PREFIX + spec.name.upper())
            if raw is not None:
                values[spec.name] = _convert(spec, raw)
        values.update({name: value for name, value in overrides.items() if value is not None})
        return cls(**values)

    def __post_init__(self) -> None:
        if self.store_mode not in get_args(StoreMode):
            raise SettingsError(f"store_mode must be one of {get_args(StoreMode)}, not {self.store_mode!r}")
        if self.remote_auth not in get_args(RemoteAuth):
            raise SettingsError(f"remote_auth must be one of {get_args(RemoteAuth)}, not {self.remote_auth!r}")
        if self.store_mode == "remote" and not self.remote_query_url:
            raise SettingsError("store_mode 'remote' needs remote_query_url (IPGRAPH_REMOTE_QUERY_URL)")
        if self.validation_engine not in get_args(ValidationEngine):
            raise SettingsError(
                f"validation_engine must be one of {get_args(ValidationEngine)}, not {self.validation_engine!r}"
            )
        if self.query_memory_mb < 0:
            raise SettingsError(f"query_memory_mb must be 0 (no ceiling) or more, not {self.query_memory_mb}")
        if self.validation_workers < -1:
            raise SettingsError(
                f"validation_workers must be -1 (one per concurrent validation), 0 (in process) or more, "
                f"not {self.validation_workers}"
            )
        if not self.base_iri.endswith("/"):
            raise SettingsError(f"base_iri must end with '/': {self.base_iri!r}")
        if self.public_url:
            parts = urlsplit(self.public_url)
            if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
                raise SettingsError(
                    f"public_url must be an http(s) URL such as https://ipgraph.example.org/, not {self.public_url!r}"
                )

    def validation_worker_count(self) -> int:
        """How many validation worker processes to keep (0: validate in the server process)."""
        if self.validation_workers == -1:
            return max(1, self.max_concurrent_validations)
        return self.validation_workers

    def trusted_host_names(self) -> tuple[str, ...]:
        """The names a request's ``Host`` may carry: ``trusted_hosts`` and the host of ``public_url``."""
        public_host = urlsplit(self.public_url).hostname if self.public_url else None
        return (*self.trusted_hosts, *((public_host,) if public_host else ()))


def _convert(spec: dataclasses.Field[Any], raw: str) -> Any:
    kind: type = type(spec.default) if spec.default is not dataclasses.MISSING else tuple
    name = ENV_PREFIX + spec.name.upper()
    try:
        if kind is bool:
            lowered = raw.strip().lower()
            if lowered not in {"1", "0", "true", "false", "yes", "no"}:
                raise ValueError(raw)
            return lowered in {"1", "true", "yes"}
        if kind is tuple:
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        if kind is int:
            return int(raw)
        if kind is float:
            return float(raw)
        if issubclass(kind, Path):
            return Path(raw)
        return raw
    except ValueError as error:
        raise SettingsError(f"{name}={raw!r} is not a valid {kind.__name__}") from error


def settings_table() -> list[tuple[str, str, str]]:
    """(environment variable, default, help) for every setting, as the README documents them."""
    rows = []
    for spec in dataclasses.fields(Settings):
        default = spec.default if spec.default is not dataclasses.MISSING else spec.default_factory()  # type: ignore[operator]
        if spec.name == "project_dir":
            default = "the checkout"
        elif isinstance(default, tuple):
            default = ",".join(default)
        rows.append((ENV_PREFIX + spec.name.upper(), str(default), spec.metadata["help"]))
    return rows


#: Settings whose values are secrets: ``ipgraph settings`` says whether they are set, never what they are.
SECRET_SETTINGS = frozenset({"admin_token", "remote_password"})


@dataclass(frozen=True)
class EffectiveSetting:
    """One setting as this process would use it: its value, where the value comes from, and what is wrong."""

    variable: str
    value: str
    source: Literal["default", "environment"]
    meaning: str
    problem: str | None = None


def effective_settings(environ: Mapping[str, str] | None = None) -> tuple[list[EffectiveSetting], list[str]]:
    """Every setting's effective value and source, and the problems (each variable's, then the combination's)."""
    env = os.environ if environ is None else environ
    rows: list[EffectiveSetting] = []
    problems: list[str] = []
    for spec in dataclasses.fields(Settings):
        variable = ENV_PREFIX + spec.name.upper()
        raw = env.get(variable)
        default = spec.default if spec.default is not dataclasses.MISSING else spec.default_factory()  # type: ignore[operator]
        if raw is None:
            rows.append(EffectiveSetting(variable, _shown(spec.name, default), "default", spec.metadata["help"]))
            continue
        try:
            value = _convert(spec, raw)
        except SettingsError as error:
            problems.append(str(error))
            rows.append(EffectiveSetting(variable, raw, "environment", spec.metadata["help"], str(error)))
            continue
        rows.append(EffectiveSetting(variable, _shown(spec.name, value), "environment", spec.metadata["help"]))
    if not problems:
        try:
            Settings.from_env(env)
        except SettingsError as error:
            problems.append(str(error))
    return rows, problems


def _shown(name: str, value: Any) -> str:
    if name in SECRET_SETTINGS:
        return "(set)" if value else ""
    if isinstance(value, tuple):
        return ",".join(value)
    return str(value)
