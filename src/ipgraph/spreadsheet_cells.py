"""CSV and TSV answers a spreadsheet shows rather than runs (CWE-1236, "formula injection").

A spreadsheet opening a CSV file reads a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, after a leading tab, carriage return or NUL, or the full-width forms ``＝＋－＠``) as a formula, which
can fetch URLs or start programs. Anyone can put such text in the store (a report's account, a label), so every
CSV and TSV answer passes through here. The rule, documented in docs/protocol.md:

* **CSV** (SPARQL 1.1 Query Results CSV, and the validation report as CSV): a cell that begins with one of those
  characters gets a leading ``'``, the common rule spreadsheets honour, *unless the whole cell is a number* as
  XSD writes numbers (``-5``, ``+1.5``, ``-2.5E3``, ``-INF``). A number cannot run anything and must stay a number
  for the programs that read SPARQL CSV (it carries no datatypes, so the cell's text is all they have). The cost
  is that a string such as ``"-x"`` arrives as ``'-x``; CSV has no escape that a program would undo.
* **TSV** (SPARQL 1.1 Query Results TSV) writes every literal in Turtle syntax, quoted. Quotes alone do not
  protect: spreadsheets treat ``"`` as a text qualifier and strip it, so ``"=1+1"`` would become the formula
  ``=1+1``. The first character of such a literal is written as a Turtle escape instead (``"\\u003D1+1"``), which
  every SPARQL client reads back as the same literal and no spreadsheet reads as a formula. Bare cells (IRIs in
  ``<…>``, blank nodes, integers and decimals, booleans) cannot begin a formula other than as a number.

>>> spreadsheet_safe("=HYPERLINK(\\"http://evil.example\\")")
'\\'=HYPERLINK("http://evil.example")'
>>> spreadsheet_safe("-5"), spreadsheet_safe("-2+3")
('-5', "'-2+3")
>>> spreadsheet_safe_tsv(b'?a\\n"=1+1"@en\\n-5\\n')
b'?a\\n"\\\\u003D1+1"@en\\n-5\\n'
"""

from __future__ import annotations

import csv
import io
import re

#: Characters a spreadsheet may read as the start of a formula.
FORMULA_STARTS = frozenset("=+-@\t\r\0\uff1d\uff0b\uff0d\uff20")
#: A number as XSD writes integers, decimals and doubles: it stays as it is.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?INF|NaN")
#: A cheap look for a cell that might need escaping (at the start of the text, a line, or after a separator,
#: possibly after an opening quote); bodies without one are returned untouched.
_CSV_SUSPECT = re.compile('(?:^|[,\n])"?[' + re.escape("".join(sorted(FORMULA_STARTS))) + "]")
_TSV_SUSPECT = re.compile('(?:^|[\t\n])"[=+\\-@\uff1d\uff0b\uff0d\uff20]')


def spreadsheet_safe(value: str) -> str:
    """``value`` prefixed with ``'`` when a spreadsheet would read it as a formula (it is not a number)."""
    if value and value[0] in FORMULA_STARTS and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def spreadsheet_safe_csv(body: bytes) -> bytes:
    """A UTF-8 CSV document (RFC 4180, CRLF line ends) with every cell made :func:`spreadsheet_safe`."""
    text = body.decode("utf-8")
    if not _CSV_SUSPECT.search(text):
        return body
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return output.getvalue().encode("utf-8")


def spreadsheet_safe_tsv(body: bytes) -> bytes:
    """A SPARQL TSV document whose quoted literals never begin with a formula character (see the module)."""
    text = body.decode("utf-8")
    if not _TSV_SUSPECT.search(text):
        return body
    lines = text.split("\n")
    return "\n".join("\t".join(_safe_tsv_term(cell) for cell in line.split("\t")) for line in lines).encode("utf-8")


def _safe_tsv_term(cell: str) -> str:
    # A literal is "lexical form" then an optional @lang or ^^<datatype>, neither of which holds a quote.
    if len(cell) < 2 or cell[0] != '"' or cell[1] not in FORMULA_STARTS:
        return cell
    if _NUMBER.fullmatch(cell[1 : cell.rfind('"')]):
        return cell
    return f'"\\u{ord(cell[1]):04X}{cell[2:]}'
