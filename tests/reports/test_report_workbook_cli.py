"""``ipgraph validate report.xlsx`` and ``ipgraph submit report.xlsx`` as real subprocesses: the workbook goes
through the same conversion and the same shapes, and every finding names its cell."""

from __future__ import annotations

import io
import json
from pathlib import Path

from cli_runner import run_ipgraph
from openpyxl import load_workbook
from servers import PROJECT
from test_report_workbook import fill

from ipgraph.reports.form_model import load_form_model
from ipgraph.reports.tokens import TokenRegistry
from ipgraph.reports.workbook import INDICATORS, write_workbook
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.vocab import IPR

FINANCE = IPR["org-so-tai-chinh"]


def workbook(tmp_path: Path, name: str, *, value: object) -> Path:
    """The Department of Finance's 2029 workbook, filled in, with ``value`` in Chỉ tiêu!D2."""
    template = write_workbook(load_form_model(PROJECT), FINANCE, 2029)
    path = tmp_path / name
    path.write_bytes(fill(template, value=value))
    return path


def test_validate_names_the_cell_then_passes(tmp_path: Path) -> None:
    refused = run_ipgraph(
        "validate", workbook(tmp_path, "wrong.xlsx", value=-4), "--lang", "vi", "--project-dir", PROJECT
    )
    assert refused.returncode == 1, refused.stderr
    assert "Chỉ tiêu!D2" in refused.stdout and "không hợp lệ" in refused.stdout
    accepted = run_ipgraph("validate", workbook(tmp_path, "right.xlsx", value=4), "--project-dir", PROJECT)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def test_validate_refuses_a_formula_by_its_cell(tmp_path: Path) -> None:
    path = workbook(tmp_path, "formula.xlsx", value=4)
    book = load_workbook(io.BytesIO(path.read_bytes()))
    book[INDICATORS]["D2"] = "=1+1"
    book.save(path)
    result = run_ipgraph("validate", path, "--project-dir", PROJECT)
    assert result.returncode == 2
    assert "Chỉ tiêu!D2 holds a formula" in result.stderr


def test_submit_a_workbook_locally(tmp_path: Path) -> None:
    data = tmp_path / "data"
    token = TokenRegistry.for_data_dir(data).issue(FINANCE).token
    result = run_ipgraph("submit", workbook(tmp_path, "report.xlsx", value=4), "--token", token, "--data-dir", data)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["graph"].endswith("/reports/so-tai-chinh/2029/v1")
    store = EmbeddedStore(data, workers=1)
    try:
        assert any(str(name).endswith("/reports/so-tai-chinh/2029/v1") for name in store.graph_names())
    finally:
        store.close()
