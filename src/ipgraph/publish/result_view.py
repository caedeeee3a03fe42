"""One page of a result table: the rows sorted by the reader's chosen column and cut into pages, with the links
that sort and page it. Everything travels in the page's own URL (``sort``, ``desc``, ``page``), so a sorted
second page can be shared, reloaded and read without a script.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from ipgraph.publish.results import Cell, ResultTable
from ipgraph.publish.views import natural_key

#: Rows shown on one page of a table.
PAGE_SIZE = 100
#: Query-string names the table reads; a page that binds query parameters from its URL leaves these alone.
TABLE_PARAMETERS = frozenset({"sort", "desc", "page"})


@dataclass(frozen=True)
class TableRequest:
    """What the reader asked of the table: the column to sort by (``None``: the answer's own order), the
    direction and the 1-based page."""

    sort: str | None = None
    descending: bool = False
    page: int = 1

    @classmethod
    def from_query(cls, sort: str | None, desc: str | None, page: str | None) -> TableRequest:
        """Read the three URL parameters leniently: an unknown column or a bad page number falls back."""
        number = int(page) if page and page.isdigit() and len(page) < 7 else 1
        return cls(sort or None, desc in ("1", "true"), max(number, 1))


@dataclass(frozen=True)
class ResultView:
    """The rows of one page and the links around them."""

    table: ResultTable
    rows: tuple[tuple[Cell | None, ...], ...]
    total: int
    page: int
    pages: int
    first_row: int
    sort: str | None
    descending: bool
    numeric: frozenset[int]
    path: str
    base_query: tuple[tuple[str, str], ...]

    def link(self, *, sort: str | None = None, descending: bool = False, page: int = 1) -> str:
        """The page's URL showing ``page`` sorted by ``sort``."""
        params = list(self.base_query)
        if sort:
            params.append(("sort", sort))
            if descending:
                params.append(("desc", "1"))
        if page > 1:
            params.append(("page", str(page)))
        return self.path + ("?" + urlencode(params) if params else "")

    def sort_link(self, column: str) -> str:
        """Sort by ``column``; on the column already sorted ascending, reverse it."""
        return self.link(sort=column, descending=self.sort == column and not self.descending)

    def page_link(self, page: int) -> str:
        """Another page, keeping the sort order."""
        return self.link(sort=self.sort, descending=self.descending, page=page)


def view_table(
    table: ResultTable,
    request: TableRequest,
    path: str,
    base_query: Sequence[tuple[str, str]],
    *,
    page_size: int = PAGE_SIZE,
) -> ResultView:
    """Sort and page ``table`` as ``request`` says; links go to ``path`` with ``base_query`` kept."""
    rows = list(table.rows)
    sort = request.sort if request.sort in table.columns else None
    if sort is not None:
        index = table.columns.index(sort)
        present = [row for row in rows if row[index] is not None]
        absent = [row for row in rows if row[index] is None]
        present.sort(key=lambda row: _sort_key(row[index]), reverse=request.descending)
        rows = present + absent  # unbound values last, whichever the direction
    pages = max(1, -(-len(rows) // page_size))
    page = min(request.page, pages)
    start = (page - 1) * page_size
    kept = tuple((key, value) for key, value in base_query if key not in TABLE_PARAMETERS)
    return ResultView(
        table=table,
        rows=tuple(rows[start : start + page_size]),
        total=len(rows),
        page=page,
        pages=pages,
        first_row=start + 1,
        sort=sort,
        descending=request.descending and sort is not None,
        numeric=table.numeric_columns(),
        path=path,
        base_query=kept,
    )


def _sort_key(cell: Cell | None) -> tuple[object, ...]:
    if cell is None:
        return (2,)
    if cell.number is not None:
        return (0, cell.number, ())
    return (1, Decimal(0), natural_key(cell.text.casefold()))


#: The downloads offered beside an answer: (format name for ``?format=``, title, file extension).
TABLE_DOWNLOADS = (
    ("csv", "CSV", ".csv"),
    ("tsv", "TSV", ".tsv"),
    ("json", "SPARQL JSON", ".json"),
    ("xml", "SPARQL XML", ".xml"),
)
GRAPH_DOWNLOADS = (
    ("turtle", "Turtle", ".ttl"),
    ("jsonld", "JSON-LD", ".jsonld"),
    ("rdfxml", "RDF/XML", ".rdf"),
    ("ntriples", "N-Triples", ".nt"),
)


def download_links(
    graph: bool, path: str, base_query: Sequence[tuple[str, str]], stem: str
) -> tuple[tuple[str, str, str], ...]:
    """``(title, href, file name)`` for each format the answer can be downloaded in, named ``stem.ext``."""
    kept = [(key, value) for key, value in base_query if key not in TABLE_PARAMETERS and key != "format"]
    return tuple(
        (title, path + "?" + urlencode([*kept, ("format", name)]), stem + extension)
        for name, title, extension in (GRAPH_DOWNLOADS if graph else TABLE_DOWNLOADS)
    )


def download_extension(format_name: str) -> str | None:
    """The file extension a download in ``format_name`` is saved with (``None``: not one of ours)."""
    for name, _, extension in TABLE_DOWNLOADS + GRAPH_DOWNLOADS:
        if name == format_name:
            return extension
    return None
