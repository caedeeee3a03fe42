"""The report as an Excel workbook, both ways, through openpyxl (issue 11).

Out: a workbook prefilled for one organisation and year (or with a stored version's values) — an instructions
sheet, the report's own fields, one row per duty, one row per indicator figure, bilingual headers, drop-down lists
for statuses, indicators, categories, levels and units, whole-number and date validation, header cells locked.

In: the same workbook back to the values of :mod:`ipgraph.reports.form_input`, each remembered with its cell, so
that every finding of the one SHACL gate can name ``Chỉ tiêu!D7`` and the row's label. The package is checked
before openpyxl opens it: it must be a zip whose members unpack to a bounded size (a zip bomb is refused without
inflating it: the zip reader never returns more than a member's declared size), with no macros
(``vbaProject.bin``) and no external links; formulas are refused, never calculated.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from rdflib import URIRef

from ipgraph.errors import InputError
from ipgraph.reports.form_input import LANGUAGES
from ipgraph.reports.form_model import Choice, FieldSpec, FormModel, Part
from ipgraph.reports.form_view import EXTRA_OBSERVATION_ROWS, default_values
from ipgraph.reports.storage import organisation_slug

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INSTRUCTIONS, REPORT, DUTIES, INDICATORS, LISTS = "Hướng dẫn", "Báo cáo", "Nhiệm vụ", "Chỉ tiêu", "Danh mục"
SHEETS = (INSTRUCTIONS, REPORT, DUTIES, INDICATORS, LISTS)
#: Bounds on what an uploaded workbook may unpack to and hold.
MAX_UNPACKED_BYTES = 8 * 1024 * 1024
MAX_MEMBERS = 200
MAX_ROWS = 1000
MAX_COLUMNS = 30
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_DUTY_COLUMNS = ("reference", "words", "role", "status", "account.vi", "account.en")
_OBSERVATION_COLUMNS = (
    "indicator",
    "ipCategory",
    "trainingLevel",
    "obsValue",
    "unitMeasure",
    "explanation.vi",
    "explanation.en",
)


#: What this module writes into a cell.
CellValue = str | int | dt.date | None


class WorkbookError(InputError):
    """An uploaded workbook cannot be read; the message (English) and ``message_vi`` say where and why."""

    def __init__(self, message_en: str, message_vi: str) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi

    def message(self, lang: str) -> str:
        """The message in ``lang``."""
        return self.message_vi if lang == "vi" else str(self)


@dataclass(frozen=True)
class ReadWorkbook:
    """What a workbook says: the organisation, the year, the values, and the cell each value came from."""

    organisation: URIRef
    year: int
    values: dict[str, str]
    cells: dict[str, str]


# -- out ---------------------------------------------------------------------------------------------------


def write_workbook(model: FormModel, organisation: URIRef, year: int, values: Mapping[str, str] | None = None) -> bytes:
    """The workbook for ``organisation`` and ``year``, prefilled with ``values`` (default: a fresh form)."""
    filled = dict(values) if values is not None else default_values(model, organisation)
    book = Workbook()
    instructions = book.active
    assert instructions is not None  # noqa: S101 - a new workbook has one sheet
    instructions.title = INSTRUCTIONS
    _write_instructions(instructions)
    lists = _write_lists(book.create_sheet(LISTS), model)
    _write_report_sheet(book.create_sheet(REPORT, 1), model, organisation, year, filled)
    _write_duties(book.create_sheet(DUTIES, 2), model, organisation, filled, lists)
    _write_indicators(book.create_sheet(INDICATORS, 3), model, filled, lists)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_instructions(sheet: Worksheet) -> None:
    lines = (
        ("Báo cáo hằng năm thực hiện Kế hoạch 160/KH-UBND", "Annual report on Plan 160/KH-UBND"),
        (
            "1. Sheet «Báo cáo»: điền ngày báo cáo, người chịu trách nhiệm, kinh phí, khó khăn và kiến nghị.",
            "1. Sheet «Báo cáo»: fill in the report date, the responsible person, funds, difficulties and proposals.",
        ),
        (
            "2. Sheet «Nhiệm vụ»: mỗi dòng một nhiệm vụ; chọn tình trạng và ghi nội dung đã thực hiện bằng tiếng Việt.",
            "2. Sheet «Nhiệm vụ»: one row per duty; choose the status and write the account in Vietnamese.",
        ),
        (
            "3. Sheet «Chỉ tiêu»: ghi giá trị cho các chỉ tiêu có số liệu; để trống dòng không có số liệu.",
            "3. Sheet «Chỉ tiêu»: give a value for each indicator with a figure; leave other rows empty.",
        ),
        (
            "Không dùng công thức: hãy gõ số. Không đổi tên sheet, không xóa cột.",
            "Do not use formulas: type the numbers. Do not rename sheets or delete columns.",
        ),
        (
            "Tải tệp lên tại /reports/submit để kiểm tra, rồi nộp bằng mã truy cập của đơn vị.",
            "Upload the file at /reports/submit to check it, then submit it with your organisation's token.",
        ),
    )
    for row, (vi, en) in enumerate(lines, start=1):
        sheet.cell(row, 1, vi).font = Font(bold=row == 1)
        sheet.cell(row, 2, en).font = Font(bold=row == 1, italic=row != 1)
    sheet.column_dimensions["A"].width = 90
    sheet.column_dimensions["B"].width = 90
    sheet.protection.sheet = True


def _write_lists(sheet: Worksheet, model: FormModel) -> dict[str, str]:
    """One column per code list (Vietnamese labels); returns the range each drop-down reads."""
    columns = {
        "status": _spec_choices(model, "duty", "status"),
        "indicator": tuple(Choice(item.iri, item.label) for item in model.indicators),
        "ipCategory": _spec_choices(model, "observation", "ipCategory"),
        "trainingLevel": _spec_choices(model, "observation", "trainingLevel"),
        "unitMeasure": _spec_choices(model, "observation", "unitMeasure"),
    }
    ranges: dict[str, str] = {}
    for number, (key, choices) in enumerate(columns.items(), start=1):
        letter = get_column_letter(number)
        sheet.cell(1, number, key)
        for row, choice in enumerate(choices, start=2):
            sheet.cell(row, number, choice.label.vi)
        ranges[key] = f"'{LISTS}'!${letter}$2:${letter}${max(2, len(choices) + 1)}"
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True
    return ranges


def _spec_choices(model: FormModel, part: Part, key: str) -> tuple[Choice, ...]:
    spec = model.field_by_key(part, key)
    return spec.choices if spec is not None else ()


def _header(sheet: Worksheet, headers: tuple[tuple[str, str], ...], widths: tuple[int, ...]) -> None:
    for column, ((vi, en), width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = sheet.cell(1, column, f"{vi}\n{en}")
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _open(cell: object) -> None:
    cell.protection = Protection(locked=False)  # type: ignore[attr-defined]
    cell.alignment = Alignment(wrap_text=True, vertical="top")  # type: ignore[attr-defined]


def _write_report_sheet(
    sheet: Worksheet, model: FormModel, organisation: URIRef, year: int, values: Mapping[str, str]
) -> None:
    _header(sheet, (("Trường", "Field"), ("Giá trị", "Value"), ("Hướng dẫn", "Help"), ("Mã", "Key")), (40, 60, 70, 24))
    rows: list[tuple[str, str, str, str]] = [
        (_name(model, "reportingOrganization"), model.organisation_name(organisation, "vi"), "", "organisation"),
        (_name(model, "reportingYear"), str(year), "", "year"),
    ]
    parts: tuple[Part, ...] = ("report", "person")
    for part in parts:
        for spec in model.fields(part):
            if spec.kind in ("choice", "fixed", "year"):
                continue
            help_text = f"{spec.description.vi}\n{spec.description.en}"
            required = " *" if spec.required else ""
            if spec.kind == "text":
                for lang in LANGUAGES:
                    language = "tiếng Việt / Vietnamese" if lang == "vi" else "tiếng Anh / English"
                    title = f"{spec.name.vi} / {spec.name.en} ({language}){required if lang == 'vi' else ''}"
                    rows.append(
                        (title, values.get(f"{part}.{spec.key}.{lang}", ""), help_text, f"{part}.{spec.key}.{lang}")
                    )
            else:
                title = f"{spec.name.vi} / {spec.name.en}{required}"
                rows.append((title, values.get(f"{part}.{spec.key}", ""), help_text, f"{part}.{spec.key}"))
    dates = DataValidation(
        type="date",
        operator="between",
        formula1="DATE(2021,1,1)",
        formula2="DATE(2031,12,31)",
        allow_blank=True,
        errorTitle="Ngày / Date",
        error="Nhập một ngày / Enter a date",
    )
    whole = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        errorTitle="Số / Number",
        error="Nhập số nguyên không âm / Enter a whole number ≥ 0",
    )
    sheet.add_data_validation(dates)
    sheet.add_data_validation(whole)
    for row, (title, value, help_text, key) in enumerate(rows, start=2):
        sheet.cell(row, 1, title).alignment = Alignment(wrap_text=True, vertical="top")
        cell = sheet.cell(row, 2, _cell_value(key, value))
        sheet.cell(row, 3, help_text).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row, 4, key)
        if key in ("organisation", "year"):
            continue
        _open(cell)
        if key == "report.issued":
            dates.add(cell)
            cell.number_format = "DD/MM/YYYY"
        elif key == "report.fundsUsed":
            whole.add(cell)
            cell.number_format = "#,##0"
        else:
            cell.number_format = "@"


def _cell_value(key: str, value: str) -> CellValue:
    if not value:
        return None
    if key == "report.issued":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if key == "report.fundsUsed" and value.isdigit():
        return int(value)
    return value


def _name(model: FormModel, key: str) -> str:
    spec = model.field_by_key("report", key)
    return f"{spec.name.vi} / {spec.name.en}" if spec else key


def _list_validation(sheet: Worksheet, source: str, title: str) -> DataValidation:
    validation = DataValidation(
        type="list",
        formula1=f"={source}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=title,
        error="Chọn trong danh sách / Choose from the list",
    )
    sheet.add_data_validation(validation)
    return validation


def _write_duties(
    sheet: Worksheet, model: FormModel, organisation: URIRef, values: Mapping[str, str], lists: dict[str, str]
) -> None:
    status = model.field_by_key("duty", "status")
    account = model.field_by_key("duty", "account")
    headers = (
        ("Mã nhiệm vụ", "Duty reference"),
        ("Nhiệm vụ (theo Kế hoạch)", "Duty (as the plan words it)"),
        ("Vai trò", "Role"),
        (status.name.vi if status else "Tình trạng", status.name.en if status else "Status"),
        (f"{account.name.vi if account else 'Nội dung'} (tiếng Việt) *", "Account (Vietnamese)"),
        (f"{account.name.vi if account else 'Nội dung'} (tiếng Anh)", "Account (English, optional)"),
    )
    _header(sheet, headers, (12, 60, 14, 22, 60, 50))
    statuses = _list_validation(sheet, lists["status"], "Tình trạng / Status")
    labels = {str(choice.value): choice.label.vi for choice in (status.choices if status else ())}
    row = 2
    for index in _indices(values, "duty"):
        duty = model.duty(URIRef(values.get(f"duty.{index}.duty", "")))
        if duty is None:
            continue
        leads = any(item.lead and item.iri == duty.iri for item in model.duties_of(organisation))
        sheet.cell(row, 1, duty.reference)
        sheet.cell(row, 2, duty.words.vi).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row, 3, "Chủ trì / Lead" if leads else "Phối hợp / Taking part")
        cells = (
            labels.get(values.get(f"duty.{index}.status", ""), values.get(f"duty.{index}.status", "")),
            values.get(f"duty.{index}.account.vi", ""),
            values.get(f"duty.{index}.account.en", ""),
        )
        for column, value in enumerate(cells, start=4):
            cell = sheet.cell(row, column, value or None)
            _open(cell)
        statuses.add(sheet.cell(row, 4))
        row += 1


def _write_indicators(sheet: Worksheet, model: FormModel, values: Mapping[str, str], lists: dict[str, str]) -> None:
    specs = {spec.key: spec for spec in model.fields("observation")}
    headers = []
    for column in _OBSERVATION_COLUMNS:
        key, _, lang = column.partition(".")
        spec = specs.get(key)
        vi, en = (spec.name.vi, spec.name.en) if spec else (key, key)
        if lang:
            vi, en = (
                f"{vi} (tiếng Việt)" if lang == "vi" else f"{vi} (tiếng Anh)",
                f"{en} ({'Vietnamese' if lang == 'vi' else 'English'})",
            )
        headers.append((vi, en))
    _header(sheet, tuple(headers), (50, 26, 20, 14, 20, 40, 40))
    drop_downs = {
        key: _list_validation(sheet, lists[key], key)
        for key in ("indicator", "ipCategory", "trainingLevel", "unitMeasure")
    }
    numbers = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="-100",
        allow_blank=True,
        errorTitle="Số / Number",
        error="Nhập một số / Enter a number",
    )
    sheet.add_data_validation(numbers)
    labels = {str(choice.value): choice.label.vi for spec in specs.values() for choice in spec.choices}
    indices = _indices(values, "obs")
    rows = [*indices, *range(max(indices, default=0) + 1, max(indices, default=0) + 1 + EXTRA_OBSERVATION_ROWS * 5)]
    for row, index in enumerate(rows, start=2):
        for number, column in enumerate(_OBSERVATION_COLUMNS, start=1):
            raw = values.get(f"obs.{index}.{column}", "")
            shown: CellValue = labels.get(raw, raw) or None
            if column == "obsValue" and raw:
                shown = int(raw) if raw.lstrip("-").isdigit() else raw
            cell = sheet.cell(row, number, shown)
            _open(cell)
            if column in drop_downs:
                drop_downs[column].add(cell)
            elif column == "obsValue":
                numbers.add(cell)


# -- in ----------------------------------------------------------------------------------------------------


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
        texts = [_text(row_cells, column) for column in range(len(_OBSERVATION_COLUMNS))]
        if not any(texts[1:]) and not texts[3]:
            continue
        for number, column in enumerate(_OBSERVATION_COLUMNS):
            name = f"obs.{index}.{column}"
            key = column.partition(".")[0]
            spec = indicator_spec if key == "indicator" else specs.get(key)
            text = texts[number]
            values[name] = _choice_value(spec, text) if spec is not None and spec.choices and text else text
            cells[name] = f"{INDICATORS}!{'ABCDEFG'[number]}{row}"


def _indices(values: Mapping[str, str], part: str) -> list[int]:
    found = set()
    for name in values:
        pieces = name.split(".")
        if len(pieces) >= 3 and pieces[0] == part and pieces[1].isdigit():
            found.add(int(pieces[1]))
    return sorted(found)
