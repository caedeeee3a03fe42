"""The report form is read from the shapes and the plan (ipgraph.reports.form_model), and form values become the
report RDF and back (ipgraph.reports.form_input) without loss, for every valid example."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from servers import PROJECT

from ipgraph.formats import format_for_path
from ipgraph.reports.form_input import graph_to_values, values_to_graph
from ipgraph.reports.form_model import FormModel, load_form_model
from ipgraph.reports.form_view import default_values, sections
from ipgraph.reports.parsing import REPORT_FORMATS, parse_report
from ipgraph.reports.validation import ReportValidator
from ipgraph.vocab import IPR

VALID = sorted(
    path
    for path in (PROJECT / "data" / "examples" / "valid").iterdir()
    if path.suffix in (".ttl", ".jsonld") and not path.name.endswith(".expected.json")
)
DOST_HUNG_YEN = IPR["org-so-khoa-hoc-va-cong-nghe-hung-yen"]
FINANCE = IPR["org-so-tai-chinh"]


@pytest.fixture(scope="module")
def model() -> FormModel:
    return load_form_model(PROJECT)


def read_example(path: Path) -> Graph:
    chosen = format_for_path(path, REPORT_FORMATS)
    assert chosen is not None
    return parse_report(path.read_bytes(), chosen.media_type)


def own_names_blank(graph: Graph) -> Graph:
    """The graph with the report's own names (anything outside ipgraph's namespace in subject position) made
    blank (and so the names the service minted for a stored version): uploads may name their parts as they like,
    so two reports are the same up to those names."""
    names = {
        s
        for s in graph.subjects()
        if isinstance(s, URIRef)
        and (not str(s).startswith("https://w3id.org/ipgraph/") or str(s).startswith(str(IPR["report/"])))
    }
    renamed: dict[URIRef, BNode] = {name: BNode() for name in names}
    result = Graph()
    for s, p, o in graph:
        result.add((renamed.get(s, s), p, renamed.get(o, o)))  # type: ignore[arg-type, call-overload]
    return result


def assert_same_report(expected: Graph, found: Graph) -> None:
    left, right = to_isomorphic(own_names_blank(expected)), to_isomorphic(own_names_blank(found))
    if not isomorphic(left, right):
        _, only_left, only_right = graph_diff(left, right)
        raise AssertionError(f"missing: {sorted(only_left)[:5]}\nadded: {sorted(only_right)[:5]}")


def test_fields_come_from_the_shapes(model: FormModel) -> None:
    status = model.field_by_key("duty", "status")
    assert status is not None and status.required and status.kind == "choice"
    assert status.name.vi == "Tình trạng thực hiện" and status.name.en == "Status"
    assert {choice.value for choice in status.choices} == {
        IPR["duty-status-not-started"],
        IPR["duty-status-in-progress"],
        IPR["duty-status-ongoing"],
        IPR["duty-status-completed"],
    }
    issued = model.field_by_key("report", "issued")
    assert issued is not None and issued.kind == "date" and issued.required
    funds = model.field_by_key("report", "fundsUsed")
    assert funds is not None and funds.kind == "number" and not funds.required
    unit = model.field_by_key("observation", "unitMeasure")
    assert unit is not None and IPR["unit-application"] in {choice.value for choice in unit.choices}


def test_a_changed_shape_changes_the_form(copy_of_project: Path) -> None:
    shapes = copy_of_project / "shapes" / "report.shapes.ttl"
    text = shapes.read_text(encoding="utf-8")
    text = text.replace('sh:name "Tình trạng thực hiện"@vi', 'sh:name "Mức độ hoàn thành"@vi')
    # Make the (optional) funding source required: one more sh:minCount on its property shape.
    path = "        sh:path ipg:fundingSource ;\n"
    text = text.replace(path, path + "        sh:minCount 1 ;\n")
    shapes.write_text(text, encoding="utf-8")
    changed = load_form_model(copy_of_project)
    status = changed.field_by_key("duty", "status")
    source = changed.field_by_key("report", "fundingSource")
    assert status is not None and status.name.vi == "Mức độ hoàn thành"
    assert source is not None and source.required
    layout = sections(changed, FINANCE, default_values(changed, FINANCE), "vi")
    labels = [item.label for section in layout for row in section.rows for item in row.inputs]
    assert "Mức độ hoàn thành *" in labels
    assert "Nguồn kinh phí * (tiếng Việt)" in labels


def test_a_successor_reports_on_the_duties_it_inherited(model: FormModel) -> None:
    references = [duty.reference for duty in model.duties_of(DOST_HUNG_YEN)]
    # Its own predecessor's duties (V.1.a–đ) and those of the Department of Information and Communications.
    assert references[:5] == ["V.1.a", "V.1.b", "V.1.c", "V.1.d", "V.1.đ"]
    assert "V.5" in references
    assert model.duty_by_reference(DOST_HUNG_YEN, "V.1.dd") == model.duty_by_reference(DOST_HUNG_YEN, "V.1.đ")
    names = [name.vi for _, name in model.organisations]
    assert "Sở Tài chính" in names and all(not name.startswith("http") for name in names)


@pytest.mark.parametrize("path", VALID, ids=[path.name for path in VALID])
def test_every_valid_example_survives_form_values(model: FormModel, path: Path) -> None:
    original = read_example(path)
    organisation, year, values = graph_to_values(model, original)
    produced = values_to_graph(model, organisation, year, values).graph
    # The form always declares the data structure; an example that left it out differs by exactly that.
    for triple in produced.triples((None, URIRef("http://purl.org/linked-data/cube#structure"), None)):
        if not list(original.triples((None, triple[1], None))):
            produced.remove(triple)
    assert_same_report(original, produced)


def test_typed_values_the_shapes_refuse_are_kept_as_text(model: FormModel) -> None:
    values = default_values(model, FINANCE) | {
        "report.issued": "05/10/2027",
        "report.fundsUsed": "1.500.000",
        "obs.1.obsValue": "mười hai",
    }
    produced = values_to_graph(model, FINANCE, 2027, values)
    text = produced.turtle().decode("utf-8")
    assert '"2027-10-05"^^xsd:date' in text
    assert "ipg:fundsUsed 1500000" in text
    assert '"mười hai"' in text


def test_findings_point_at_their_fields(model: FormModel) -> None:
    validator = ReportValidator.from_project(PROJECT)
    values = default_values(model, FINANCE) | {"obs.1.obsValue": "-3", "person.name": "Trần Thị B"}
    produced = values_to_graph(model, FINANCE, 2027, values)
    outcome = validator.validate(produced.graph, today=None)
    located = {produced.locator.find(issue.focus, issue.path, issue.value) for issue in outcome.issues}
    assert "report.issued" in located  # no date
    assert "person.position.vi" in located
    assert "duty.1.status" in located and "duty.1.account.vi" in located
    assert "obs.1.obsValue" in located
    assert None not in located


def test_text_that_looks_like_a_formula_stays_text_in_the_workbook(model: FormModel) -> None:
    """Anyone's words go into the workbook of a stored report; ``=HYPERLINK(…)`` must arrive as those words."""
    from openpyxl import load_workbook

    from ipgraph.reports.workbook import DUTIES, write_workbook
    from ipgraph.reports.workbook_input import read_workbook

    words = '=HYPERLINK("http://evil.example","bấm vào đây")'
    values = default_values(model, FINANCE) | {"duty.1.account.vi": words, "report.difficulties.vi": "=1+1"}
    body = write_workbook(model, FINANCE, 2027, values)
    cell = load_workbook(io.BytesIO(body))[DUTIES]["E2"]
    assert cell.value == words and cell.data_type == "s"
    read = read_workbook(model, body)
    assert read.values["duty.1.account.vi"] == words and read.values["report.difficulties.vi"] == "=1+1"
