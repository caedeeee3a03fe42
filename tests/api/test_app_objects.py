"""What lives as long as the app is built once by the lifespan, shared by every request, and closed at shutdown."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from servers import PROJECT, serve

from ipgraph.api import create_app
from ipgraph.settings import Settings
from ipgraph.store.embedded import EmbeddedStore

APP_OBJECTS = ("report_service", "token_registry", "canned_queries", "freshness", "dumps", "search_index")


def test_the_lifespan_builds_the_app_objects_once_and_closes_the_report_service(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store", workers=1)
    app = create_app(Settings(data_dir=tmp_path, project_dir=PROJECT), store)
    try:
        assert not any(hasattr(app.state, name) for name in APP_OBJECTS), "built before start-up"
        with serve(app) as url:
            built = {name: getattr(app.state, name) for name in APP_OBJECTS}
            for path in ("/", "/search?q=plan", "/.well-known/void", "/dumps/all.nq", "/reports", "/queries"):
                assert httpx.get(url + path, timeout=30).status_code == 200, path
            assert {name: getattr(app.state, name) for name in APP_OBJECTS} == built
            gate = built["report_service"].gate
            assert gate.run(lambda _cancel: 42) == 42
        with pytest.raises(RuntimeError):  # the validation workers were shut down with the app
            gate.run(lambda _cancel: 42)
    finally:
        store.close()
