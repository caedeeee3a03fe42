"""Submission tokens: one or more bearer tokens per organisation, stored hashed, issued and revoked by an admin.

A token reads ``ipgr_<id>_<secret>``: the id (public, 8 bytes hex) finds the record, the secret (32 random bytes)
is checked against ``sha256(salt || secret)`` with :func:`hmac.compare_digest`. The secret is never written down,
so a copy of ``tokens.json`` lets nobody submit. A slow password hash would add nothing: the secret has 256 bits
of entropy, so the per-token salt only keeps equal secrets from hashing alike.

Where the records are kept depends on the store mode. Embedded: ``tokens.json`` in the data directory
(:class:`TokenFile`), rewritten atomically (temporary file, fsync, rename, fsync of the directory) under an
exclusive ``fcntl`` lock, so ``ipgraph tokens issue`` may run while the service is answering; the service re-reads
the file whenever its modification time or size changes. Remote: graph ``ipgraph:tokens`` of the store
(:class:`~ipgraph.reports.token_graph.TokenGraph`), shared by every replica, each authentication reading the
one record it needs, so a token revoked through any replica is refused by all of them from the next request.

>>> import tempfile
>>> from rdflib import URIRef
>>> with tempfile.TemporaryDirectory() as tmp:
...     registry = TokenRegistry.for_data_dir(Path(tmp))
...     issued = registry.issue(URIRef("https://w3id.org/ipgraph/id/org-so-tai-chinh"))
...     str(registry.authenticate(issued.token))
'https://w3id.org/ipgraph/id/org-so-tai-chinh'
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Protocol

from rdflib import URIRef

from ipgraph.errors import InputError, NotFoundError

TOKEN_PREFIX = "ipgr"  # noqa: S105 - the public prefix of every token, not a secret
TOKENS_FILE = "tokens.json"
_ID_BYTES = 8
_SECRET_BYTES = 32
_SALT_BYTES = 16
#: Compared against when a token names no known id, so an unknown id costs the same time as a wrong secret.
_DUMMY_SALT = bytes(_SALT_BYTES)
_DUMMY_DIGEST = hashlib.sha256(_DUMMY_SALT + b"-").hexdigest()


@dataclass(frozen=True)
class TokenRecord:
    """What is kept about one token: never the token itself."""

    token_id: str
    organisation: str
    salt: str
    digest: str
    issued_at: str
    revoked_at: str | None = None
    note: str = ""

    @property
    def active(self) -> bool:
        """Whether the token may still be used."""
        return self.revoked_at is None


@dataclass(frozen=True)
class IssuedToken:
    """A freshly issued token: ``token`` is shown once and cannot be recovered later."""

    token_id: str
    organisation: URIRef
    token: str


class TokenRecords(Protocol):
    """Where token records are kept: a file in the data directory or a graph of the store."""

    def find(self, token_id: str) -> TokenRecord | None:
        """The record of one token id, as it is now."""
        ...

    def all(self) -> dict[str, TokenRecord]:
        """Every record, by id."""
        ...

    def add(self, record: TokenRecord) -> None:
        """Keep a new record."""
        ...

    def revoke(self, chosen: Callable[[TokenRecord], bool], at: str) -> list[TokenRecord]:
        """Mark revoked at ``at`` every active record ``chosen`` picks; returns them as revoked."""
        ...


class TokenRegistry:
    """Issues, revokes and checks tokens whose records ``records`` keeps."""

    def __init__(self, records: TokenRecords) -> None:
        self.kept = records

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> TokenRegistry:
        """The registry kept beside the store in ``data_dir`` (``tokens.json``)."""
        return cls(TokenFile(data_dir / TOKENS_FILE))

    # -- admin --------------------------------------------------------------------------------------------

    def issue(self, organisation: URIRef, note: str = "") -> IssuedToken:
        """Create a token for ``organisation``; only its hash and salt are stored."""
        token_id = secrets.token_hex(_ID_BYTES)
        secret = secrets.token_urlsafe(_SECRET_BYTES)
        salt = secrets.token_bytes(_SALT_BYTES)
        record = TokenRecord(
            token_id=token_id,
            organisation=str(organisation),
            salt=salt.hex(),
            digest=_digest(salt, secret),
            issued_at=_now(),
            note=note,
        )
        self.kept.add(record)
        return IssuedToken(token_id, organisation, f"{TOKEN_PREFIX}_{token_id}_{secret}")

    def revoke(self, token_id: str) -> TokenRecord:
        """Revoke one token by its id (as ``list`` shows it, or a whole token); revoking twice is harmless."""
        wanted = split_token(token_id)[0] if token_id.startswith(TOKEN_PREFIX + "_") else token_id.strip()
        record = self.kept.find(wanted) if is_token_id(wanted) else None
        if record is None:
            raise NotFoundError(f"no token has the id {wanted!r}; `ipgraph tokens list` shows the ids")
        revoked = self.kept.revoke(lambda item: item.token_id == wanted, _now())
        return revoked[0] if revoked else (self.kept.find(wanted) or record)

    def revoke_organisation(self, organisation: URIRef) -> list[TokenRecord]:
        """Revoke every active token of ``organisation``; returns the records revoked."""
        return self.kept.revoke(lambda item: item.organisation == str(organisation), _now())

    def records(self) -> list[TokenRecord]:
        """Every token ever issued, oldest first (hashes included: callers show only ids and dates)."""
        return sorted(self.kept.all().values(), key=lambda record: (record.issued_at, record.token_id))

    # -- checking -----------------------------------------------------------------------------------------

    def authenticate(self, token: str) -> URIRef | None:
        """The organisation ``token`` submits for, or ``None`` when it is unknown, wrong or revoked."""
        token_id, secret = split_token(token)
        record = self.kept.find(token_id) if is_token_id(token_id) else None
        salt = bytes.fromhex(record.salt) if record is not None else _DUMMY_SALT
        expected = record.digest if record is not None else _DUMMY_DIGEST
        matches = hmac.compare_digest(_digest(salt, secret).encode("ascii"), expected.encode("ascii"))
        if record is None or not matches or not record.active:
            return None
        return URIRef(record.organisation)


class TokenFile:
    """Token records in one JSON file (``data_dir/tokens.json``), shared by the processes of one machine."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._cache_key: tuple[int, int] | None = None
        self._records: dict[str, TokenRecord] = {}

    def find(self, token_id: str) -> TokenRecord | None:
        """The record of one token id (the file is re-read when it changed)."""
        with self._lock:
            self._refresh()
            return self._records.get(token_id)

    def all(self) -> dict[str, TokenRecord]:
        """Every record, by id."""
        with self._lock:
            self._refresh()
            return dict(self._records)

    def add(self, record: TokenRecord) -> None:
        """Add a record, rewriting the file under its lock."""
        with self._exclusive() as records:
            records[record.token_id] = record

    def revoke(self, chosen: Callable[[TokenRecord], bool], at: str) -> list[TokenRecord]:
        """Revoke the active records ``chosen`` picks, under the file's lock."""
        revoked = []
        with self._exclusive() as records:
            for token_id, record in list(records.items()):
                if record.active and chosen(record):
                    records[token_id] = replace(record, revoked_at=at)
                    revoked.append(records[token_id])
        return revoked

    def _refresh(self) -> None:
        """Re-read the file when it changed since the last read (another process may have issued a token)."""
        try:
            status = self.path.stat()
        except FileNotFoundError:
            self._records, self._cache_key = {}, None
            return
        key = (status.st_mtime_ns, status.st_size)
        if key != self._cache_key:
            self._records = _read(self.path)
            self._cache_key = key

    @contextmanager
    def _exclusive(self) -> Iterator[dict[str, TokenRecord]]:
        """Read, let the caller change, and atomically rewrite the file, holding a lock across processes."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        with self._lock, open(lock_path, "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                records = _read(self.path) if self.path.exists() else {}
                yield records
                _write_atomically(self.path, records)
                self._cache_key = None
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)


def is_token_id(text: str) -> bool:
    """Whether ``text`` is shaped like a token id (lower-case hex of :data:`_ID_BYTES` bytes): anything else is
    unknown before it is looked up, so no caller-chosen text reaches a file key or a store query."""
    return len(text) == 2 * _ID_BYTES and all(character in "0123456789abcdef" for character in text)


def split_token(token: str) -> tuple[str, str]:
    """A token's id and secret; ``("", token)`` when it is not ``ipgr_<id>_<secret>``.

    The id is hex and the secret URL-safe base64, which may itself begin with or hold ``_``: only the first two
    underscores separate the parts.
    """
    prefix, _, rest = token.strip().partition("_")
    token_id, _, secret = rest.partition("_")
    if prefix != TOKEN_PREFIX or not token_id or not secret:
        return "", token
    return token_id, secret


def _digest(salt: bytes, secret: str) -> str:
    return hashlib.sha256(salt + secret.encode("utf-8")).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _read(path: Path) -> dict[str, TokenRecord]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {item["token_id"]: TokenRecord(**item) for item in raw["tokens"]}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InputError(f"the token file {path} is unreadable: {error}") from error


def _write_atomically(path: Path, records: dict[str, TokenRecord]) -> None:
    body = json.dumps({"tokens": [asdict(record) for record in records.values()]}, indent=2, ensure_ascii=False)
    handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as output:
            output.write(body + "\n")
            output.flush()
            os.fsync(output.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
