"""The running service of a data directory: ``ipgraph serve`` announces itself in ``DATA_DIR/serve.json``.

The embedded store allows one process at a time (RocksDB's LOCK file), so while ``ipgraph serve`` holds a data
directory, ``ipgraph query``, ``export`` and ``load`` go through its HTTP API instead. The file says where the
service listens, its process id, and a secret made for this run only that allows writes (the file is the
owner's alone, mode 0600): whoever may read the data directory's store may write it, and nobody else learns
anything from the file. It is removed when the service stops; one left by a killed process names a process
that no longer runs and is ignored.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from ipgraph.errors import StoreUnavailableError
from ipgraph.settings import Settings
from ipgraph.store.base import Store

RUNTIME_FILE = "serve.json"


@dataclass(frozen=True)
class RunningService:
    """Where the service of a data directory answers, and the secret that lets this machine's CLI write."""

    url: str
    pid: int
    token: str


def new_secret() -> str:
    """A fresh per-run secret."""
    return secrets.token_urlsafe(32)


def announce(data_dir: Path, service: RunningService) -> Path:
    """Write the runtime file (0600, replaced atomically) and return its path."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / RUNTIME_FILE
    temporary = data_dir / f".{RUNTIME_FILE}.{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"url": service.url, "pid": service.pid, "token": service.token}, handle)
    os.replace(temporary, path)
    return path


def withdraw(data_dir: Path, pid: int) -> None:
    """Remove the runtime file if it still names process ``pid`` (a newer service may have replaced it)."""
    found = _read(data_dir / RUNTIME_FILE)
    if found is not None and found.pid == pid:
        with contextlib.suppress(FileNotFoundError):
            (data_dir / RUNTIME_FILE).unlink()


def running_service(data_dir: Path) -> RunningService | None:
    """The service announced for ``data_dir`` if its process is alive; ``None`` otherwise."""
    found = _read(data_dir / RUNTIME_FILE)
    if found is None or not _alive(found.pid):
        return None
    return found


def _read(path: Path) -> RunningService | None:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return RunningService(str(document["url"]), int(document["pid"]), str(document["token"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    return True


def open_local_or_running(settings: Settings, *, load_project: bool = True) -> Store | RunningService:
    """The store of ``settings``, or, when ``ipgraph serve`` holds it, the service to go through instead."""
    from ipgraph.store import open_store

    try:
        return open_store(settings, load_project=load_project)
    except StoreUnavailableError:
        running = running_service(settings.data_dir) if settings.store_mode == "embedded" else None
        if running is None:
            raise
        return running
