"""``ipgraph revalidate`` on a real on-disk store: the shapes change, stored versions stop conforming; the change is
undone, they conform again (issue 14). The command runs as a real subprocess, as an administrator runs it."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from cli_runner import clean_environment, run_ipgraph
from rdflib import URIRef
from rdflib.namespace import RDF
from revalidation_corpus import PROJECT, example_paths, mutated_corpus, read_report

from ipgraph.reports.revalidation_record import RECORD_FILE
from ipgraph.reports.storage import ReportArchive, ReportKey, prepare_version
from ipgraph.settings import Settings
from ipgraph.store import open_store
from ipgraph.vocab import IPG, IPR

RECEIVED = dt.datetime(2024, 10, 1, 9, tzinfo=dt.UTC)


def copy_project(target: Path) -> Path:
    """The checkout's shapes, plan, ontology and queries: what the command and the store loader read."""
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(PROJECT / name, target / name, ignore=shutil.ignore_patterns("examples", "source"))
    return target


@pytest.fixture
def stored(tmp_path: Path) -> tuple[Path, Path]:
    """A data directory holding the valid examples (one version each) and one stored version that a bug let
    through (a duty of another organisation); and a copy of the checkout."""
    project = copy_project(tmp_path / "project")
    data_dir = tmp_path / "data"
    store = open_store(Settings.from_env({}, data_dir=data_dir, project_dir=project))
    try:
        archive = ReportArchive(store)
        for path in example_paths("valid"):
            report = read_report(path)
            node = next(iter(report.subjects(RDF.type, IPG.AnnualReport)))
            organisation = report.value(node, IPG.reportingOrganization)
            key = ReportKey(URIRef(str(organisation)), int(str(report.value(node, IPG.reportingYear))))
            graph = prepare_version(report, node, key, 1, RECEIVED)
            archive.add_version(key, graph, submitted_at=RECEIVED, content_hash="0" * 64, shapes_version="old")
        broken = next(mutated_corpus(1, seed=3))
        key = ReportKey(IPR["org-so-tai-chinh"], 2024)
        archive.add_version(key, broken.graph, submitted_at=RECEIVED, content_hash="1" * 64, shapes_version="old")
    finally:
        store.close()
    return data_dir, project


def revalidate(data_dir: Path, project: Path, *extra: str) -> tuple[int, dict]:
    result = run_ipgraph(
        "revalidate",
        "--data-dir",
        data_dir,
        "--project-dir",
        project,
        "--output",
        "json",
        *extra,
        environment=clean_environment(),
    )
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def test_a_shapes_change_is_reported_both_ways(stored: tuple[Path, Path]) -> None:
    data_dir, project = stored
    code, first = revalidate(data_dir, project)
    assert code == 1
    assert first["versions"] == len(example_paths("valid")) + 1
    assert [item["organisation"] for item in first["no_longer_conforming"]] == [str(IPR["org-so-tai-chinh"])]
    assert first["no_longer_conforming"][0]["issues"]
    assert first["no_longer_conforming"][0]["organisation_name"]["vi"] == "Sở Tài chính"
    # The reporting period shrinks to 2030 alone: every example (2022–2025) stops conforming.
    shapes = project / "shapes" / "report.shapes.ttl"
    original = shapes.read_text(encoding="utf-8")
    shapes.write_text(original.replace('sh:pattern "^20(2[1-9]|30)$"', 'sh:pattern "^2030$"'), encoding="utf-8")
    code, second = revalidate(data_dir, project)
    assert code == 1
    assert len(second["no_longer_conforming"]) == len(example_paths("valid"))
    assert [item["organisation"] for item in second["still_not_conforming"]] == [str(IPR["org-so-tai-chinh"])]
    messages = [issue["message_en"] for item in second["no_longer_conforming"] for issue in item["issues"]]
    assert any("outside the plan's period" in message for message in messages)
    assert second["shapes_version"] != first["shapes_version"]
    # Undone: they conform again, and say so once.
    shapes.write_text(original, encoding="utf-8")
    code, third = revalidate(data_dir, project)
    assert len(third["now_conforming"]) == len(example_paths("valid"))
    assert third["no_longer_conforming"] == []
    assert json.loads((data_dir / RECORD_FILE).read_text(encoding="utf-8")) == third
    text = run_ipgraph(
        "revalidate", "--data-dir", data_dir, "--project-dir", project, "--lang", "vi", environment=clean_environment()
    )
    assert text.returncode == 1 and "Vẫn chưa hợp lệ (1):" in text.stdout


def test_a_shape_the_compiler_cannot_translate_stops_the_run(stored: tuple[Path, Path]) -> None:
    data_dir, project = stored
    shapes = project / "shapes" / "report.shapes.ttl"
    text = shapes.read_text(encoding="utf-8")
    shapes.write_text(text.replace("sh:minCount 1 ;", "sh:minCount 1 ; sh:minLength 2 ;", 1), encoding="utf-8")
    result = run_ipgraph(
        "revalidate", "--data-dir", data_dir, "--project-dir", project, environment=clean_environment()
    )
    assert result.returncode == 2
    assert "minLength" in result.stderr and "not supported" in result.stderr
    assert not (data_dir / RECORD_FILE).exists()
