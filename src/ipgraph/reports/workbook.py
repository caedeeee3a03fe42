"""The report as an Excel workbook, both ways, through openpyxl (issue 11).

A workbook prefilled for one organisation and year (or with a stored version's values) — an instructions
sheet, the report's own fields, one row per duty, one row per indicator figure, bilingual headers, drop-down lists
for statuses, indicators, categories, levels and units, whole-number and date validation, header cells locked.

Reading a filled workbook back is :mod:`ipgraph.reports.workbook_input`; the sheet names and columns here are
what it reads.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from rdflib import URIRef

from ipgraph.reports.form_input import LANGUAGES, row_indices
from ipgraph.reports.form_model import Choice, FormModel, Part
from ipgraph.reports.form_view import EXTRA_OBSERVATION_ROWS, default_values

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INSTRUCTIONS, REPORT, DUTIES, INDICATORS, LISTS = "Hướng dẫn", "Báo cáo", "Nhiệm vụ", "Chỉ tiêu", "Danh mục"
SHEETS = (INSTRUCTIONS, REPORT, DUTIES, INDICATORS, LISTS)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
DUTY_COLUMNS = ("reference", "words", "role", "status", "account.vi", "account.en")
OBSERVATION_COLUMNS = (
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
        _put(sheet, row, 1, vi).font = Font(bold=row == 1)
        _put(sheet, row, 2, en).font = Font(bold=row == 1, italic=row != 1)
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
        _put(sheet, 1, number, key)
        for row, choice in enumerate(choices, start=2):
            _put(sheet, row, number, choice.label.vi)
        ranges[key] = f"'{LISTS}'!${letter}$2:${letter}${max(2, len(choices) + 1)}"
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True
    return ranges


def _spec_choices(model: FormModel, part: Part, key: str) -> tuple[Choice, ...]:
    spec = model.field_by_key(part, key)
    return spec.choices if spec is not None else ()


def _header(sheet: Worksheet, headers: tuple[tuple[str, str], ...], widths: tuple[int, ...]) -> None:
    for column, ((vi, en), width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = _put(sheet, 1, column, f"{vi}\n{en}")
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.row_dimensions[1].height = 32  # two header lines: Vietnamese, then English
    sheet.freeze_panes = "A2"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _put(sheet: Worksheet, row: int, column: int, value: CellValue) -> Cell:
    """Write ``value`` as the cell's value, text always as text: openpyxl would store a string starting with ``=``
    as a formula, and a report's account (anyone's words) must never become one (CWE-1236)."""
    cell = sheet.cell(row, column, value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


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
        _put(sheet, row, 1, title).alignment = Alignment(wrap_text=True, vertical="top")
        cell = _put(sheet, row, 2, _cell_value(key, value))
        _put(sheet, row, 3, help_text).alignment = Alignment(wrap_text=True, vertical="top")
        _put(sheet, row, 4, key)
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
    for index in row_indices(values, "duty"):
        duty = model.duty(URIRef(values.get(f"duty.{index}.duty", "")))
        if duty is None:
            continue
        leads = any(item.lead and item.iri == duty.iri for item in model.duties_of(organisation))
        _put(sheet, row, 1, duty.reference)
        _put(sheet, row, 2, duty.words.vi).alignment = Alignment(wrap_text=True, vertical="top")
        _put(sheet, row, 3, "Chủ trì / Lead" if leads else "Phối hợp / Taking part")
        cells = (
            labels.get(values.get(f"duty.{index}.status", ""), values.get(f"duty.{index}.status", "")),
            values.get(f"duty.{index}.account.vi", ""),
            values.get(f"duty.{index}.account.en", ""),
        )
        for column, value in enumerate(cells, start=4):
            cell = _put(sheet, row, column, value or None)
            _open(cell)
        statuses.add(sheet.cell(row, 4))
        row += 1


def _write_indicators(sheet: Worksheet, model: FormModel, values: Mapping[str, str], lists: dict[str, str]) -> None:
    specs = {spec.key: spec for spec in model.fields("observation")}
    headers = []
    for column in OBSERVATION_COLUMNS:
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
    indices = row_indices(values, "obs")
    rows = [*indices, *range(max(indices, default=0) + 1, max(indices, default=0) + 1 + EXTRA_OBSERVATION_ROWS * 5)]
    for row, index in enumerate(rows, start=2):
        for number, column in enumerate(OBSERVATION_COLUMNS, start=1):
            raw = values.get(f"obs.{index}.{column}", "")
            shown: CellValue = labels.get(raw, raw) or None
            if column == "obsValue" and raw:
                shown = int(raw) if raw.lstrip("-").isdigit() else raw
            cell = _put(sheet, row, number, shown)
            _open(cell)
            if column in drop_downs:
                drop_downs[column].add(cell)
            elif column == "obsValue":
                numbers.add(cell)
