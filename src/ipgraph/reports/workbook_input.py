"""A filled report workbook back to the values of :mod:`ipgraph.reports.form_input`, each remembered with its cell,
so that every finding of the one SHACL gate can name ``Chỉ tiêu!D7`` and the row's label (issue 11).

The package is checked before openpyxl opens it: it must be a zip whose members unpack to a bounded size (a zip
bomb is refused without inflating it: the zip reader never returns more than a member's declared size), with no
macros (``vbaProject.bin``) and no external links; formulas are refused, never calculated; sheets are read row by
row in openpyxl's read-only mode and refused past ``MAX_ROWS``.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from openpyxl import load_workbook
from rdflib import URIRef

from ipgraph.errors import WorkbookError
from ipgraph.reports.form_model import FieldSpec, FormModel
from ipgraph.reports.storage import organisation_slug
from ipgraph.reports.workbook import DUTIES, INDICATORS, OBSERVATION_COLUMNS, REPORT

#: Bounds on what an uploaded workbook may unpack to and hold.
MAX_UNPACKED_BYTES = 8 * 1024 * 1024
MAX_MEMBERS = 200
MAX_ROWS = 1000
MAX_COLUMNS = 30


@dataclass(frozen=True)
class ReadWorkbook:
    """What a workbook says: the organisation, the year, the values, and the cell each value came from."""

    organisation: URIRef
    year: int
    values: dict[str, str]
    cells: dict[str, str]


def check_package(body: bytes, max_unpacked: int = MAX_UNPACKED_BYTES) -> None:
    """Refuse what must never reach openpyxl: not a zip, too much unpacked data, macros, external links."""
    if not body.startswith(b"PK"):
        raise WorkbookError(
            "the file is not an Excel workbook (.xlsx): it is not a zip package",
            "Tệp không phải sổ tính Excel (.xlsx): không phải gói zip",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise WorkbookError(
            "the file is not an Excel workbook (.xlsx): the zip package is damaged",
            "Tệp không phải sổ tính Excel (.xlsx): gói zip bị hỏng",
        ) from None
    unpacked = sum(member.file_size for member in members)
    if len(members) > MAX_MEMBERS or unpacked > max_unpacked:
        raise WorkbookError(
            f"the workbook unpacks to {unpacked} bytes in {len(members)} parts; at most {max_unpacked} bytes are read",
            f"Sổ tính giải nén ra {unpacked} byte trong {len(members)} phần; chỉ đọc tối đa {max_unpacked} byte",
        )
    names = {member.filename.lower() for member in members}
    if any(name.endswith("vbaproject.bin") for name in names):
        raise WorkbookError(
            "the workbook contains macros (.xlsm); save it as an Excel workbook (.xlsx) without macros",
            "Sổ tính có macro (.xlsm); hãy lưu thành sổ tính Excel (.xlsx) không có macro",
        )
    if any(name.startswith("xl/externallinks/") for name in names):
        raise WorkbookError(
            "the workbook links to other files (external links); remove the links and type the values",
            "Sổ tính liên kết tới tệp khác (liên kết ngoài); hãy xóa liên kết và gõ giá trị",
        )


def read_workbook(model: FormModel, body: bytes, max_unpacked: int = MAX_UNPACKED_BYTES) -> ReadWorkbook:
    """The values of an uploaded workbook, each with its cell (``Chỉ tiêu!D7``)."""
    check_package(body, max_unpacked)
    try:
        book = load_workbook(io.BytesIO(body), read_only=True, data_only=False, keep_links=False, keep_vba=False)
    except Exception as error:  # openpyxl raises many types for a malformed package
        raise WorkbookError(
            f"the workbook cannot be read: {type(error).__name__}",
            f"Không đọc được sổ tính: {type(error).__name__}",
        ) from None
    try:
        missing = [name for name in (REPORT, DUTIES, INDICATORS) if name not in book.sheetnames]
        if missing:
            raise WorkbookError(
                f"the workbook has no sheet named {', '.join(missing)}; use the template from /reports/template.xlsx "
                f"(sheets found: {', '.join(book.sheetnames)})",
                f"Sổ tính thiếu sheet {', '.join(missing)}; hãy dùng mẫu tại /reports/template.xlsx "
                f"(các sheet có: {', '.join(book.sheetnames)})",
            )
        values: dict[str, str] = {}
        cells: dict[str, str] = {}
        report_rows = _rows(book[REPORT])
        for row, row_cells in report_rows:
            key = _text(row_cells, 3)
            if key:
                values[key] = _text(row_cells, 1)
                cells[key] = f"{REPORT}!B{row}"
        if "report.issued" in values:
            values["report.issued"] = _iso_date(values["report.issued"])
        organisation = _organisation(model, values.pop("organisation", ""), cells.get("organisation", f"{REPORT}!B2"))
        year = _year(values.pop("year", ""), cells.get("year", f"{REPORT}!B3"))
        _read_duties(model, organisation, _rows(book[DUTIES]), values, cells)
        _read_indicators(model, _rows(book[INDICATORS]), values, cells)
    finally:
        book.close()
    return ReadWorkbook(organisation, year, values, cells)


def _rows(sheet: object) -> list[tuple[int, list[object]]]:
    """The sheet's rows after the header as (row number, cell values); refuses formulas and oversized sheets."""
    title = getattr(sheet, "title", "?")
    found: list[tuple[int, list[object]]] = []
    for row_number, row in enumerate(sheet.iter_rows(), start=1):  # type: ignore[attr-defined]
        if row_number > MAX_ROWS:
            raise WorkbookError(
                f"sheet {title} has more than {MAX_ROWS} rows; a report needs far fewer",
                f"Sheet {title} có hơn {MAX_ROWS} dòng; một báo cáo cần ít hơn nhiều",
            )
        cells = list(row)
        if len(cells) > MAX_COLUMNS and any(getattr(c, "value", None) is not None for c in cells[MAX_COLUMNS:]):
            raise WorkbookError(
                f"sheet {title} row {row_number} has values beyond column {MAX_COLUMNS}",
                f"Sheet {title} dòng {row_number} có giá trị quá cột {MAX_COLUMNS}",
            )
        for cell in cells:
            if getattr(cell, "data_type", None) == "f":
                reference = f"{title}!{getattr(cell, 'coordinate', '?')}"
                formula = str(getattr(cell, "value", ""))[:40]
                raise WorkbookError(
                    f"{reference} holds a formula ({formula}); formulas are never calculated: type the value",
                    f"{reference} có công thức ({formula}); công thức không được tính: hãy gõ giá trị",
                )
        if row_number > 1:
            found.append((row_number, [getattr(cell, "value", None) for cell in cells]))
    return found


def _text(cells: list[object], index: int) -> str:
    if index >= len(cells) or cells[index] is None:
        return ""
    value = cells[index]
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]  # type: ignore[no-any-return]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _iso_date(text: str) -> str:
    """``05/10/2023`` (as Vietnamese write dates) as ``2023-10-05``; anything else unchanged for the shapes."""
    day, _, rest = text.partition("/")
    month, _, year = rest.partition("/")
    if day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4:
        try:
            return dt.date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            return text
    return text


def _organisation(model: FormModel, text: str, cell: str) -> URIRef:
    for organisation, name in model.organisations:
        if text in (name.vi, name.en, organisation_slug(organisation), str(organisation)):
            return organisation
    raise WorkbookError(
        f"{cell}: «{text}» is not an organisation of the plan; download the template for your organisation",
        f"{cell}: «{text}» không phải cơ quan trong Kế hoạch; hãy tải mẫu của đơn vị mình",
    )


def _year(text: str, cell: str) -> int:
    if text.isdigit() and 2021 <= int(text) <= 2030:
        return int(text)
    raise WorkbookError(
        f"{cell}: «{text}» is not a reporting year from 2021 to 2030",
        f"{cell}: «{text}» không phải năm báo cáo từ 2021 đến 2030",
    )


def _choice_value(spec: FieldSpec | None, text: str) -> str:
    """The IRI of the choice labelled ``text`` (Vietnamese or English); unknown text is kept for the shapes."""
    for choice in spec.choices if spec is not None else ():
        if text.casefold() in (choice.label.vi.casefold(), choice.label.en.casefold(), str(choice.value).casefold()):
            return str(choice.value)
    return text


def _read_duties(
    model: FormModel,
    organisation: URIRef,
    rows: list[tuple[int, list[object]]],
    values: dict[str, str],
    cells: dict[str, str],
) -> None:
    status = model.field_by_key("duty", "status")
    for index, (row, row_cells) in enumerate(rows, start=1):
        reference = _text(row_cells, 0)
        if not reference:
            continue
        duty = model.duty_by_reference(organisation, reference)
        if duty is None:
            raise WorkbookError(
                f"{DUTIES}!A{row}: «{reference}» is not a duty of this organisation in the plan",
                f"{DUTIES}!A{row}: «{reference}» không phải nhiệm vụ Kế hoạch giao cho đơn vị này",
            )
        values[f"duty.{index}.duty"] = str(duty.iri)
        for column, key in ((3, "status"), (4, "account.vi"), (5, "account.en")):
            text = _text(row_cells, column)
            name = f"duty.{index}.{key}"
            values[name] = _choice_value(status, text) if key == "status" and text else text
            cells[name] = f"{DUTIES}!{'DEF'[column - 3]}{row}"


def _read_indicators(
    model: FormModel, rows: list[tuple[int, list[object]]], values: dict[str, str], cells: dict[str, str]
) -> None:
    specs = {spec.key: spec for spec in model.fields("observation")}
    indicator_spec = specs.get("indicator")
    for index, (row, row_cells) in enumerate(rows, start=1):
        texts = [_text(row_cells, column) for column in range(len(OBSERVATION_COLUMNS))]
        if not any(texts[1:]) and not texts[3]:
            continue
        for number, column in enumerate(OBSERVATION_COLUMNS):
            name = f"obs.{index}.{column}"
            key = column.partition(".")[0]
            spec = indicator_spec if key == "indicator" else specs.get(key)
            text = texts[number]
            values[name] = _choice_value(spec, text) if spec is not None and spec.choices and text else text
            cells[name] = f"{INDICATORS}!{'ABCDEFG'[number]}{row}"
