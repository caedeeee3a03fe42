// The query page's editor: CodeMirror 6 with SPARQL highlighting and prefix completion, running queries
// against /sparql and showing results as a table of links. Without this script the page is a plain form.
import { autocompletion } from "@codemirror/autocomplete";
import { StreamLanguage } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { EditorSelection } from "@codemirror/state";
import { EditorView, basicSetup } from "codemirror";

const RESULT_FORMATS = [["json", "SPARQL JSON"], ["xml", "SPARQL XML"], ["csv", "CSV"], ["tsv", "TSV"]];
const GRAPH_FORMATS = [["turtle", "Turtle"], ["jsonld", "JSON-LD"], ["rdfxml", "RDF/XML"], ["ntriples", "N-Triples"],
  ["trig", "TriG"], ["nquads", "N-Quads"]];

const form = document.getElementById("query-form");
const textarea = document.getElementById("query");
const errorBox = document.getElementById("query-error");
const statusLine = document.getElementById("query-status");
const resultsBox = document.getElementById("query-results");
const downloadsBox = document.getElementById("query-downloads");
const prefixes = JSON.parse(document.getElementById("query-prefixes").textContent);
const examples = JSON.parse(document.getElementById("query-examples").textContent);
const baseIri = form.dataset.baseIri;

function declared(text, prefix) {
  return new RegExp(`^\\s*PREFIX\\s+${prefix.replace(/[-]/g, "\\-")}:`, "im").test(text);
}

// Adds "PREFIX p: <iri>" at the top unless the query already declares it.
function declarePrefix(view, prefix) {
  const text = view.state.doc.toString();
  if (declared(text, prefix)) return;
  view.dispatch({ changes: { from: 0, insert: `PREFIX ${prefix}: <${prefixes[prefix]}>\n` } });
}

function prefixCompletions(context) {
  const word = context.matchBefore(/[A-Za-z][\w-]*/);
  if (!word && !context.explicit) return null;
  const from = word ? word.from : context.pos;
  return {
    from,
    validFor: /^[\w-]*$/,
    options: Object.entries(prefixes).map(([prefix, iri]) => ({
      label: `${prefix}:`,
      type: "namespace",
      detail: iri,
      apply: (view, completion, start, end) => {
        view.dispatch({ changes: { from: start, to: end, insert: `${prefix}:` } });
        declarePrefix(view, prefix);
      },
    })),
  };
}

const view = new EditorView({
  doc: textarea.value,
  extensions: [
    basicSetup,
    StreamLanguage.define(sparql),
    autocompletion({ override: [prefixCompletions] }),
    EditorView.contentAttributes.of({ "aria-label": "SPARQL", spellcheck: "false" }),
    // The page's Content-Security-Policy admits the <style> element CodeMirror writes only with this nonce.
    EditorView.cspNonce.of(form.dataset.styleNonce || ""),
  ],
});
textarea.hidden = true;
textarea.insertAdjacentElement("afterend", view.dom);
view.dom.id = "query-editor";

function setQuery(text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

// Schemes a result may link to; any other (javascript:, data:, urn:, …) is shown as text only.
const LINKABLE_SCHEMES = new Set(["http:", "https:", "mailto:"]);

// Where a link shown for an IRI may point, as ipgraph.publish.locations.link_target decides on the server: its
// page on this site, the IRI itself when the browser would read it as a web or mail address, else null.
function linkTarget(iri) {
  if (iri.startsWith(baseIri)) {
    const rest = iri.slice(baseIri.length);
    if (rest.startsWith("id/") || rest.startsWith("graph/")) return `/doc/${rest}`;
    if (rest === "def" || rest.startsWith("def#")) return `/${rest}`;
  }
  let url;
  try {
    url = new URL(iri);
  } catch {
    return null;
  }
  return LINKABLE_SCHEMES.has(url.protocol) ? url.href : null;
}

function shortName(iri) {
  let best = null;
  for (const [prefix, namespace] of Object.entries(prefixes)) {
    if (iri.startsWith(namespace) && (!best || namespace.length > prefixes[best].length)) best = prefix;
  }
  return best ? `${best}:${iri.slice(prefixes[best].length)}` : iri;
}

function cell(term) {
  const td = document.createElement("td");
  if (!term) return td;
  if (term.type === "uri") {
    const target = linkTarget(term.value);
    const shown = document.createElement(target ? "a" : "span");
    if (target) shown.href = target;
    shown.textContent = shortName(term.value);
    shown.title = term.value;
    td.append(shown);
  } else if (term.type === "bnode") {
    td.textContent = `_:${term.value}`;
  } else {
    const span = document.createElement("span");
    span.textContent = term.value;
    if (term["xml:lang"]) span.lang = term["xml:lang"];
    td.append(span);
    const tag = term["xml:lang"] ? `@${term["xml:lang"]}` : term.datatype ? `^^${shortName(term.datatype)}` : "";
    if (tag) {
      const small = document.createElement("span");
      small.className = "tag";
      small.textContent = tag;
      td.append(small);
    }
  }
  return td;
}

function showTable(json) {
  const table = document.createElement("table");
  table.className = "results";
  table.id = "results-table";
  const head = table.createTHead().insertRow();
  for (const name of json.head.vars) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = `?${name}`;
    head.append(th);
  }
  const body = table.createTBody();
  for (const binding of json.results.bindings) {
    const row = body.insertRow();
    for (const name of json.head.vars) row.append(cell(binding[name]));
  }
  resultsBox.replaceChildren(table);
  return json.results.bindings.length;
}

function showDownloads(query, formats) {
  const links = formats.map(([name, title]) => {
    const a = document.createElement("a");
    a.href = `/sparql?${new URLSearchParams({ query, format: name })}`;
    a.textContent = title;
    a.setAttribute("download", "");
    return a;
  });
  downloadsBox.replaceChildren(...links.flatMap((a, i) => (i ? [" · ", a] : [a])));
  downloadsBox.hidden = false;
}

// RFC 9457 problem details; SPARQL syntax errors carry line and column (1-based).
function showError(problem, query) {
  errorBox.replaceChildren();
  const title = document.createElement("strong");
  title.textContent = problem.title || "Error";
  errorBox.append(title);
  const detail = document.createElement("p");
  detail.textContent = problem.detail || "";
  errorBox.append(detail);
  if (problem.line) {
    const line = Math.min(problem.line, view.state.doc.lines);
    const column = Math.max(1, problem.column || 1);
    const where = document.createElement("p");
    where.className = "error-position";
    where.textContent = `line ${problem.line}, column ${column}`;
    const excerpt = document.createElement("pre");
    const text = query.split("\n")[line - 1] || "";
    excerpt.textContent = `${text}\n${" ".repeat(column - 1)}^`;
    errorBox.append(where, excerpt);
    const docLine = view.state.doc.line(line);
    const pos = Math.min(docLine.from + column - 1, docLine.to);
    view.dispatch({ selection: EditorSelection.cursor(pos), scrollIntoView: true });
    view.focus();
  }
  errorBox.hidden = false;
}

async function run() {
  const query = view.state.doc.toString();
  textarea.value = query;
  errorBox.hidden = true;
  downloadsBox.hidden = true;
  statusLine.textContent = "…";
  resultsBox.replaceChildren();
  let response;
  try {
    response = await fetch("/sparql", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "application/sparql-results+json, text/turtle;q=0.9, application/problem+json;q=0.5",
      },
      body: new URLSearchParams({ query }),
    });
  } catch (failure) {
    statusLine.textContent = "";
    showError({ title: "Network error", detail: String(failure) }, query);
    return;
  }
  const type = response.headers.get("content-type") || "";
  if (!response.ok) {
    statusLine.textContent = `${response.status}`;
    const problem = type.includes("json") ? await response.json() : { title: response.statusText, detail: await response.text() };
    showError(problem, query);
    return;
  }
  if (type.includes("sparql-results+json")) {
    const json = await response.json();
    if ("boolean" in json) {
      resultsBox.textContent = json.boolean ? "true" : "false";
      statusLine.textContent = "ASK";
    } else {
      const count = showTable(json);
      statusLine.textContent = `${count} ${document.documentElement.lang === "vi" ? "dòng" : "rows"}`;
    }
    showDownloads(query, RESULT_FORMATS);
  } else {
    const pre = document.createElement("pre");
    pre.className = "graph-result";
    pre.textContent = await response.text();
    resultsBox.replaceChildren(pre);
    statusLine.textContent = "";
    showDownloads(query, GRAPH_FORMATS);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  run();
});

for (const link of document.querySelectorAll("#examples a[data-example]")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    setQuery(examples[link.dataset.example]);
    for (const other of document.querySelectorAll("#examples a")) other.removeAttribute("aria-current");
    link.setAttribute("aria-current", "true");
    history.replaceState(null, "", link.href);
  });
}

for (const button of document.querySelectorAll("button.prefix")) {
  button.addEventListener("click", () => declarePrefix(view, button.dataset.prefix));
}
