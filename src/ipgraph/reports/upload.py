"""A report as the service judges it on receipt, for the service's dry run and submission and for
``ipgraph validate`` alike: the same file checked on the same day gives the same findings everywhere."""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import DCTERMS

from ipgraph.reports.storage import check_uploaded_names, iter_report_nodes


def as_received(report: Graph) -> Graph:
    """``report`` with the checks and changes of receipt: it may not describe ipgraph's own resources
    (:class:`~ipgraph.errors.InputError`), and a ``dcterms:dateSubmitted`` the sender wrote is dropped, since the
    day of receipt is the service's to record, not the sender's to claim. Changes ``report`` and returns it."""
    check_uploaded_names(report)
    for node in list(iter_report_nodes(report)):
        report.remove((node, DCTERMS.dateSubmitted, None))
    return report
