"""The report pages for people: the submission form (``/reports/submit``: upload or paste, format, token; preview
then submit, plain HTML that works without JavaScript), and the HTML forms of a validation result and of a
stored version, which :mod:`ipgraph.api.reports` answers browsers with."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from rdflib import URIRef
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ipgraph.api.body import read_body
from ipgraph.api.deps import ReportServiceDep, TokenRegistryDep
from ipgraph.api.problems import error_response
from ipgraph.api.report_access import authenticate, run_limited
from ipgraph.api.report_views import expand_name, form_model, local_time, page_text
from ipgraph.errors import InputError, IpgraphError, PermissionDeniedError, ReportRejectedError, WorkbookError
from ipgraph.formats import FORM_MEDIA_TYPE, MULTIPART_FORM_MEDIA_TYPE, format_for_path, parse_media_type
from ipgraph.publish.i18n import Language, message
from ipgraph.publish.rendering import render_page, request_language
from ipgraph.reports.form_input import values_to_graph
from ipgraph.reports.form_model import FormModel
from ipgraph.reports.form_view import default_values, field_title, notes_by_field, sections
from ipgraph.reports.messages import Namer
from ipgraph.reports.parsing import REPORT_FORMATS
from ipgraph.reports.rdf_lines import line_text, subject_lines
from ipgraph.reports.rendering import outcome_to_html
from ipgraph.reports.storage import FIRST_YEAR, LAST_YEAR, organisation_from_text, organisation_slug
from ipgraph.reports.submission import Checked
from ipgraph.reports.tokens import TokenRegistry
from ipgraph.reports.workbook import XLSX_MEDIA_TYPE, write_workbook
from ipgraph.reports.workbook_input import read_workbook
from ipgraph.settings import Settings

router = APIRouter(tags=["reports"])


@router.get("/reports/submit", include_in_schema=False)
def submission_page(request: Request, organisation: str | None = None, year: int | None = None) -> Response:
    """The form: first the organisation and year, then that organisation's report form (fresh)."""
    model = form_model(request)
    lang = request_language(request)
    form = FormInput(organisation=organisation or "", year=str(year or ""))
    context = _form_context(form, lang, model)
    chosen = _chosen(model, form)
    if chosen is not None:
        context.update(_fields_context(model, chosen[0], chosen[1], default_values(model, chosen[0]), lang, {}))
    return render_page(request, "report_submit.html", context)


@router.post("/reports/submit", include_in_schema=False)
async def submission_form(request: Request, service: ReportServiceDep, tokens: TokenRegistryDep) -> Response:
    """Preview (``action=preview``) or submit (``action=submit``) what the form sent: its fields, a workbook,
    or an RDF file or text."""
    settings: Settings = request.app.state.settings
    body = await read_body(request, settings.max_body_bytes)
    lang = request_language(request)
    model = form_model(request)
    status = 200
    try:
        form = parse_form(request.headers.get("content-type"), body)
    except InputError as error:
        form = FormInput()
        context = _form_context(form, lang, model)
        context["error"] = _error_text(error, lang)
        return render_page(request, "report_submit.html", context, status_code=400)
    context = _form_context(form, lang, model)
    if form.action == "open":
        return await _open_with_token(request, tokens, form, model, lang)
    cells: dict[str, str] = {}
    lines: dict[str, int] = {}
    try:
        if form.is_workbook():
            workbook = await run_in_threadpool(read_workbook, model, form.file)
            form.organisation, form.year = organisation_slug(workbook.organisation), str(workbook.year)
            form.values, cells = workbook.values, workbook.cells
        chosen = _chosen(model, form)
        if chosen is not None and (form.values or form.is_workbook()):
            organisation, year = chosen
            produced = values_to_graph(model, organisation, year, form.values)
            document, media_type = produced.turtle(), "text/turtle"
            locator = produced.locator
        else:
            document, media_type = form.document()
            locator = None
            lines = (
                subject_lines(document.decode("utf-8", errors="replace")) if media_type != "application/ld+json" else {}
            )
        namer = Namer(model, lang)

        def locate(issue: Any, language: str) -> str:
            name = locator.find(issue.focus, issue.path, issue.value) if locator is not None else None
            if name is None:
                line = lines.get(expand_name(issue.focus or "")) if locator is None else None
                return (f"dòng {line}" if language == "vi" else f"line {line}") if line else ""
            title = field_title(model, name, form.values, language)
            return f"{cells[name]} — {title}" if name in cells else title

        outcome = None
        if form.action == "submit":
            if settings.read_only:
                raise PermissionDeniedError("this service is read-only; reports cannot be submitted")
            organisation = await run_in_threadpool(authenticate, tokens, f"Bearer {form.token}")
            try:
                receipt = await run_limited(run_in_threadpool(service.submit, document, media_type, organisation))
            except ReportRejectedError as rejected:
                status = 422
                outcome = rejected.outcome
                context["outcome_html"] = outcome_to_html(outcome, lang, namer, locate)
            else:
                status = 201
                context["receipt"] = receipt_view(model, receipt.to_json(), lang)
        else:
            checked: Checked = await run_limited(run_in_threadpool(service.check, document, media_type))
            outcome = checked.outcome
            context["outcome_html"] = outcome_to_html(outcome, lang, namer, locate)
            context["conforms"] = outcome.conforms
        if chosen is not None and locator is not None:
            notes = notes_by_field(outcome.issues, locator, namer) if outcome is not None else {}
            context.update(_fields_context(model, chosen[0], chosen[1], form.values, lang, notes))
    except WorkbookError as error:
        status = 400
        context["error"] = error.message(lang)
    except IpgraphError as error:
        status = error_response(error).status_code
        context["error"] = _error_text(error, lang)
        if isinstance(error, InputError) and error.line:
            context["error_line"] = line_text(_sent_text(form), error.line)
    return render_page(request, "report_submit.html", context, status_code=status)


def _sent_text(form: FormInput) -> str:
    return (form.file or form.text.encode("utf-8")).decode("utf-8", errors="replace")


@router.get("/reports/template.xlsx", include_in_schema=False)
def workbook_template(request: Request, organisation: str, year: int) -> Response:
    """The Excel workbook for one organisation and year, prefilled with its duties and the indicators."""
    model = form_model(request)
    chosen = _chosen(model, FormInput(organisation=organisation, year=str(year)))
    if chosen is None:
        raise InputError(f"no organisation of the plan is named {organisation!r}, or {year} is not a reporting year")
    data = write_workbook(model, chosen[0], chosen[1])
    name = f"bao-cao-{organisation_slug(chosen[0])}-{chosen[1]}.xlsx"
    return Response(data, media_type=XLSX_MEDIA_TYPE, headers={"Content-Disposition": f'attachment; filename="{name}"'})


async def _open_with_token(
    request: Request, tokens: TokenRegistry, form: FormInput, model: FormModel, lang: Language
) -> Response:
    """The first step by token instead of by name: the organisation is the one the token was issued to."""
    context = _form_context(form, lang, model)
    try:
        organisation = await run_in_threadpool(authenticate, tokens, f"Bearer {form.token}")
    except IpgraphError as error:
        context["error"] = _error_text(error, lang)
        return render_page(request, "report_submit.html", context, status_code=error_response(error).status_code)
    form.organisation = organisation_slug(organisation)
    chosen = _chosen(model, form)
    if chosen is not None:
        context.update(_fields_context(model, chosen[0], chosen[1], default_values(model, chosen[0]), lang, {}))
    return render_page(request, "report_submit.html", context)


def _chosen(model: FormModel, form: FormInput) -> tuple[URIRef, int] | None:
    if not form.organisation or not form.year.isdigit():
        return None
    try:
        organisation = organisation_from_text(form.organisation)
    except InputError:
        return None
    year = int(form.year)
    if not FIRST_YEAR <= year <= LAST_YEAR or organisation not in dict(model.organisations):
        return None
    return organisation, year


def _fields_context(
    model: FormModel,
    organisation: URIRef,
    year: int,
    values: dict[str, str],
    lang: Language,
    notes: dict[str, list[tuple[str, str]]],
) -> dict[str, Any]:
    return {
        "chosen": {
            "slug": organisation_slug(organisation),
            "name": model.organisation_name(organisation, lang),
            "year": year,
        },
        "sections": sections(model, organisation, values, lang, notes),
    }


def receipt_view(model: FormModel, receipt: dict[str, Any], lang: str) -> dict[str, Any]:
    """A receipt for people: the organisation by name and the time in Vietnamese local time, to the second."""
    return receipt | {
        "organisation_name": model.organisation_name(URIRef(receipt["organisation"]), lang),
        "received_local": local_time(receipt["received_at"]),
    }


def _error_text(error: Exception, lang: Language) -> str:
    """An error for the page, in its language: known kinds get a sentence of their own, the rest keep their
    details (line and column of a syntax error) after it."""
    from ipgraph.errors import AuthenticationError, RdfSyntaxError

    detail = str(error)
    if isinstance(error, AuthenticationError):
        return message("report_error_token_unknown", lang)
    if isinstance(error, PermissionDeniedError):
        return message("report_error_token_denied", lang)
    if isinstance(error, RdfSyntaxError):
        where = message("report_error_where", lang).format(line=error.line, column=error.column)
        lead = message("report_error_rdf_syntax", lang)
        return lead + (where if error.line else "") + (": " + detail if lang == "en" else "")
    if isinstance(error, InputError) and detail.startswith("the report describes"):
        return message("report_error_plan_statements", lang)
    if isinstance(error, InputError) and lang == "vi":
        return message("report_error_unreadable", lang)
    return detail


class FormInput:
    """What the submission page sent: the report's fields, or a file (workbook or RDF) or pasted RDF."""

    def __init__(
        self,
        *,
        text: str = "",
        file: bytes = b"",
        filename: str = "",
        media_type: str = "",
        token: str = "",
        action: str = "preview",
        organisation: str = "",
        year: str = "",
        values: dict[str, str] | None = None,
    ) -> None:
        self.text, self.file, self.filename = text, file, filename
        self.media_type, self.token, self.action = media_type, token, action
        self.organisation, self.year = organisation, year
        self.values: dict[str, str] = values or {}

    def is_workbook(self) -> bool:
        """A chosen file that is a workbook (by its name or media type; the package is checked on reading)."""
        return bool(self.file) and (
            self.filename.lower().endswith((".xlsx", ".xlsm", ".xls")) or self.media_type == XLSX_MEDIA_TYPE
        )

    def document(self) -> tuple[bytes, str]:
        """The report bytes (the file if one was chosen, else the pasted text) and their media type: as chosen,
        else from the file's extension, else recognised from the text's first characters."""
        data = self.file if self.file else self.text.encode("utf-8")
        if not data.strip():
            raise InputError("choose a file, paste the report's text or fill in the form")
        media_type = self.media_type
        if not media_type and self.file:
            guessed = format_for_path(self.filename, REPORT_FORMATS)
            media_type = guessed.media_type if guessed is not None else ""
        if not media_type:
            media_type = _sniffed(data)
        return data, media_type


def _sniffed(data: bytes) -> str:
    """JSON-LD when the text opens with ``{`` or ``[``, RDF/XML with ``<?xml`` or ``<rdf:``, else Turtle (which
    also reads N-Triples)."""
    head = data.lstrip()[:10]
    if head.startswith((b"{", b"[")):
        return "application/ld+json"
    if head.startswith((b"<?xml", b"<rdf:", b"<RDF")):
        return "application/rdf+xml"
    return "text/turtle"


def parse_form(content_type: str | None, body: bytes) -> FormInput:
    """Read the form from ``application/x-www-form-urlencoded`` or ``multipart/form-data``."""
    media_type, _ = parse_media_type(content_type)
    fields: dict[str, str] = {}
    file, filename = b"", ""
    if media_type == FORM_MEDIA_TYPE:
        try:
            fields = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError as error:
            raise InputError(f"the form is not valid UTF-8 (byte {error.start})") from None
    elif media_type == MULTIPART_FORM_MEDIA_TYPE:
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + (content_type or "").encode("latin-1") + b"\r\n\r\n" + body
        )
        if not message.is_multipart():
            raise InputError("the multipart/form-data body has no parts (is the boundary right?)")
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            if name == "file":
                file, filename = data, str(part.get_filename() or "")
            elif isinstance(name, str):
                fields[name] = data.decode("utf-8", errors="replace")
    else:
        raise InputError(f"the form must be sent as {FORM_MEDIA_TYPE} or {MULTIPART_FORM_MEDIA_TYPE}")
    values = {
        name: value
        for name, value in fields.items()
        if name.split(".", 1)[0] in ("report", "person", "duty", "obs") and len(name) < 64
    }
    return FormInput(
        text=fields.get("text", ""),
        file=file,
        filename=filename,
        media_type=fields.get("format", ""),
        token=fields.get("token", "").strip(),
        action=fields.get("action", "") if fields.get("action") in ("submit", "open") else "preview",
        organisation=fields.get("organisation", "").strip(),
        year=fields.get("year", "").strip(),
        values=values,
    )


def _form_context(form: FormInput, lang: Language, model: FormModel) -> dict[str, Any]:
    return {
        "txt": page_text(lang),
        "formats": [(offer.media_type, offer.name) for offer in REPORT_FORMATS],
        "form": form,
        "organisations": [(organisation_slug(iri), name.get(lang)) for iri, name in model.organisations],
        "years": list(range(FIRST_YEAR, LAST_YEAR + 1)),
        "chosen": None,
        "sections": [],
        "outcome_html": None,
        "conforms": None,
        "receipt": None,
        "error": None,
        "error_line": None,
    }
