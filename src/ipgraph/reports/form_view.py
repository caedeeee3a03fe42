"""The report form laid out for one organisation and year: sections in the shapes' group order, one input per
field name of :mod:`ipgraph.reports.form_input`, the values entered so far, and the findings next to each field.

Also names a field for messages ("V.1.a — Làm đầu mối… · Tình trạng thực hiện"), which the page and the
workbook's cell references both use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rdflib import URIRef

from ipgraph.publish.i18n import Language, message
from ipgraph.reports.form_input import LANGUAGES, Locator, row_indices
from ipgraph.reports.form_model import FieldSpec, FormModel, Part
from ipgraph.reports.issues import Issue
from ipgraph.reports.messages import Namer

#: Rows left empty under the indicators, for figures broken down by category or level.
EXTRA_OBSERVATION_ROWS = 3


@dataclass(frozen=True)
class Input:
    """One input of the page: its name, field, label, value and findings."""

    name: str
    spec: FieldSpec
    label: str
    help: str
    value: str
    lang: str = ""
    notes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Row:
    """A block of inputs about one thing: a duty, an indicator figure, or the report's own fields."""

    title: str
    subtitle: str = ""
    hidden: tuple[tuple[str, str], ...] = ()
    inputs: tuple[Input, ...] = ()
    notes: tuple[tuple[str, str], ...] = ()
    role: str = ""


@dataclass(frozen=True)
class Section:
    """A group of the shapes (``sh:PropertyGroup``) with its rows."""

    key: str
    title: str
    rows: tuple[Row, ...] = field(default_factory=tuple)


def default_values(model: FormModel, organisation: URIRef) -> dict[str, str]:
    """A fresh form: the organisation's duties and one row per indicator with its own unit."""
    values: dict[str, str] = {}
    for index, duty in enumerate(model.duties_of(organisation), start=1):
        values[f"duty.{index}.duty"] = str(duty.iri)
    for index, indicator in enumerate(model.indicators, start=1):
        values[f"obs.{index}.indicator"] = str(indicator.iri)
        values[f"obs.{index}.unitMeasure"] = str(indicator.unit or "")
    return values


def sections(
    model: FormModel,
    organisation: URIRef,
    values: Mapping[str, str],
    lang: Language,
    notes: Mapping[str, list[tuple[str, str]]] | None = None,
) -> list[Section]:
    """The page's sections for ``values`` (fresh or as entered), each input with its findings."""
    found = notes or {}
    built: dict[str, list[Row]] = {}
    titles: dict[str, tuple[float, str]] = {}
    for group in model.groups.values():
        titles[str(group.iri)] = (group.order, group.label.get(lang))
    own = [
        spec
        for spec in (*model.fields("report"), *model.fields("person"))
        if spec.kind not in ("choice", "fixed", "year")
    ]
    for spec in own:
        part = "person" if spec in model.fields("person") else "report"
        built.setdefault(str(spec.group), []).append(
            Row(title="", inputs=_inputs(spec, f"{part}.{spec.key}", values, lang, found))
        )
    duty_group = next((spec.group for spec in model.fields("duty") if spec.group), None)
    for index in row_indices(values, "duty"):
        duty = model.duty(URIRef(values.get(f"duty.{index}.duty", "")))
        if duty is None:
            continue
        leads = any(item.lead for item in model.duties_of(organisation) if item.iri == duty.iri)
        inputs: list[Input] = []
        for spec in model.fields("duty"):
            if spec.kind != "fixed":
                inputs.extend(_inputs(spec, f"duty.{index}.{spec.key}", values, lang, found, required=leads))
        built.setdefault(str(duty_group), []).append(
            Row(
                title=duty.reference,
                subtitle=duty.words.get(lang),
                hidden=((f"duty.{index}.duty", str(duty.iri)),),
                inputs=tuple(inputs),
                role=message("report_role_lead" if leads else "report_role_partner", lang),
            )
        )
    observation_group = next((spec.group for spec in model.fields("observation") if spec.group), None)
    indices = row_indices(values, "obs")
    extra = range(max(indices, default=0) + 1, max(indices, default=0) + 1 + EXTRA_OBSERVATION_ROWS)
    for index in [*indices, *extra]:
        indicator = model.indicator(URIRef(values.get(f"obs.{index}.indicator", "")))
        # A prefilled row names its indicator and unit (the only unit the shapes accept for it); an extra row
        # lets the clerk choose both.
        fixed = ("indicator", "unitMeasure") if indicator is not None and index in indices else ()
        inputs = []
        hidden = []
        for spec in model.fields("observation"):
            if spec.kind == "fixed":
                continue
            name = f"obs.{index}.{spec.key}"
            if spec.key in fixed:
                hidden.append((name, values.get(name, "")))
                continue
            inputs.extend(_inputs(spec, name, values, lang, found, required=False))
        unit = model.labels.get(URIRef(values.get(f"obs.{index}.unitMeasure", "")))
        unit_spec = model.field_by_key("observation", "unitMeasure")
        subtitle = f"{unit_spec.name.get(lang) if unit_spec else ''}: {unit.get(lang)}" if fixed and unit else ""
        notes_here = [note for name, _ in hidden for note in found.get(name, ())]
        built.setdefault(str(observation_group), []).append(
            Row(
                title=indicator.label.get(lang) if fixed and indicator else "",
                subtitle=subtitle,
                hidden=tuple(hidden),
                inputs=tuple(inputs),
                notes=tuple(notes_here),
            )
        )
    ordered = sorted(built, key=lambda key: titles.get(key, (99.0, ""))[0])
    return [Section(key.rsplit("#", 1)[-1], titles.get(key, (0.0, ""))[1], tuple(built[key])) for key in ordered]


def _inputs(
    spec: FieldSpec,
    name: str,
    values: Mapping[str, str],
    lang: Language,
    notes: Mapping[str, list[tuple[str, str]]],
    *,
    required: bool | None = None,
) -> tuple[Input, ...]:
    label, help_text = spec.name.get(lang), spec.description.get(lang)
    needed = spec.required if required is None else (required and spec.required)
    marked = label + (" *" if needed else "")
    if spec.kind != "text":
        return (Input(name, spec, marked, help_text, values.get(name, ""), notes=tuple(notes.get(name, ()))),)
    return tuple(
        Input(
            f"{name}.{code}",
            spec,
            f"{marked if code == 'vi' else label} ({message('report_in_' + code, lang)})",
            help_text if code == "vi" else "",
            values.get(f"{name}.{code}", ""),
            lang=code,
            notes=tuple(notes.get(f"{name}.{code}", ())),
        )
        for code in LANGUAGES
    )


def field_title(model: FormModel, name: str, values: Mapping[str, str], lang: str) -> str:
    """A field name as people read it: ``V.1.a — … · Tình trạng thực hiện``, ``Chỉ tiêu … · Giá trị``."""
    pieces = name.split(".")
    if name in ("organisation", "year"):
        spec = model.field_by_key("report", "reportingOrganization" if name == "organisation" else "reportingYear")
        return spec.name.get(lang) if spec else name
    part: Part = {"report": "report", "person": "person", "duty": "duty", "obs": "observation"}.get(pieces[0], "report")  # type: ignore[assignment]
    key = pieces[2] if part in ("duty", "observation") and len(pieces) > 2 else pieces[1] if len(pieces) > 1 else ""
    spec = model.field_by_key(part, key)
    label = spec.name.get(lang) if spec else key
    if part == "duty":
        duty = model.duty(URIRef(values.get(f"duty.{pieces[1]}.duty", "")))
        return f"{duty.title(lang, 60)} · {label}" if duty else label
    if part == "observation":
        indicator = model.indicator(URIRef(values.get(f"obs.{pieces[1]}.indicator", "")))
        return f"{indicator.label.get(lang)} · {label}" if indicator else label
    return label


def notes_by_field(issues: tuple[Issue, ...], locator: Locator, namer: Namer) -> dict[str, list[tuple[str, str]]]:
    """Each finding under the field it belongs to, as (severity, message in the page's language)."""
    notes: dict[str, list[tuple[str, str]]] = {}
    for issue in issues:
        name = locator.find(issue.focus, issue.path, issue.value)
        if name is not None:
            said = namer.message(issue.message_vi if namer.lang == "vi" else issue.message_en)
            notes.setdefault(name, []).append((issue.severity, said))
    return notes
