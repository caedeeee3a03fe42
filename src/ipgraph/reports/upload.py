"""A report as the service judges it on receipt, for the service's dry run and submission and for
``ipgraph validate`` alike: the same file checked on the same day gives the same findings everywhere."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Literal, Node

from ipgraph.errors import ReportTooLargeError
from ipgraph.reports.parsing import parse_report
from ipgraph.reports.storage import ReportKey, check_uploaded_names, iter_report_nodes
from ipgraph.vocab import IPG


def as_received(report: Graph) -> Graph:
    """``report`` with the checks and changes of receipt: it may not describe ipgraph's own resources
    (:class:`~ipgraph.errors.InputError`), and a ``dcterms:dateSubmitted`` the sender wrote is dropped, since the
    day of receipt is the service's to record, not the sender's to claim. Changes ``report`` and returns it."""
    check_uploaded_names(report)
    for node in list(iter_report_nodes(report)):
        report.remove((node, DCTERMS.dateSubmitted, None))
    return report


def receive_report(body: bytes, media_type: str, max_triples: int) -> Graph:
    """Parse an upload and apply the checks of receipt (:func:`as_received`); a report of more than
    ``max_triples`` triples is refused with :class:`ReportTooLargeError` before anything else looks at it."""
    report = parse_report(body, media_type)
    if len(report) > max_triples:
        raise ReportTooLargeError(
            f"the report holds {len(report)} triples; a report may hold at most {max_triples} "
            "(IPGRAPH_MAX_REPORT_TRIPLES)"
        )
    return as_received(report)


def claimed_key(report: Graph) -> ReportKey | None:
    """The organisation and year the upload's one ``ipg:AnnualReport`` names, when it names both plainly."""
    nodes = list(iter_report_nodes(report))
    if len(nodes) != 1:
        return None
    node: Node = nodes[0]
    organisations = [value for value in report.objects(node, IPG.reportingOrganization) if isinstance(value, URIRef)]
    years = [value for value in report.objects(node, IPG.reportingYear) if isinstance(value, Literal)]
    if len(organisations) != 1 or len(years) != 1:
        return None
    text = str(years[0])[:4]
    if not text.isdigit():
        return None
    return ReportKey(organisations[0], int(text))
