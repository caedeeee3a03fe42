// The query page's editor: CodeMirror 6 with SPARQL highlighting and prefix completion, running the query and
// showing its answer on the page. Without this script the page is a plain form.
import { autocompletion } from "@codemirror/autocomplete";
import { StreamLanguage } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { EditorSelection } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { EditorView, basicSetup } from "codemirror";

const form = document.getElementById("query-form");
const textarea = document.getElementById("query");
const prefixes = JSON.parse(document.getElementById("query-prefixes").textContent);
const examples = JSON.parse(document.getElementById("query-examples").textContent);

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
    // Ctrl+Enter (Cmd+Enter on a Mac) runs the query, before the editor's own Enter handling.
    keymap.of([{ key: "Mod-Enter", run: () => { run(); return true; } }]),
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

// The answer is drawn by the server's one results component (templates/results.html, the same table as on the
// question pages); the script fetches it for the query being edited and keeps the query in the page's URL.
const answerBox = document.getElementById("query-answer");
const formatMenu = document.getElementById("format");
const langSwitch = document.getElementById("lang-switch");
const pageLang = document.documentElement.lang;

// The page's own address for a query (and the table's sort and page): shareable, and what a reload shows.
function pageUrl(query, extra = []) {
  return `/query?${new URLSearchParams([["query", query], ...extra])}`;
}

function remember(url) {
  history.replaceState(null, "", url);
  if (langSwitch) {
    const other = new URL(url, location.href);
    other.searchParams.set("lang", langSwitch.getAttribute("hreflang"));
    langSwitch.href = `${other.pathname}${other.search}`;
  }
}

async function showAnswer(search) {
  answerBox.setAttribute("aria-busy", "true");
  try {
    const params = new URLSearchParams(search);
    params.set("lang", pageLang);
    const response = await fetch(`/query/answer?${params}`, { headers: { Accept: "text/html" } });
    answerBox.innerHTML = await response.text();
  } catch (failure) {
    const box = document.createElement("p");
    box.className = "query-error";
    box.setAttribute("role", "alert");
    box.textContent = String(failure);
    answerBox.replaceChildren(box);
  } finally {
    answerBox.removeAttribute("aria-busy");
  }
  const caret = answerBox.querySelector(".error-position");
  if (caret) placeCursor(caret.dataset.line, caret.dataset.column);
}

function placeCursor(line, column) {
  const number = Math.min(Number(line) || 1, view.state.doc.lines);
  const docLine = view.state.doc.line(number);
  const pos = Math.min(docLine.from + Math.max(1, Number(column) || 1) - 1, docLine.to);
  view.dispatch({ selection: EditorSelection.cursor(pos), scrollIntoView: true });
}

// A download in the chosen format, named after what it is.
function download(query, format) {
  const link = document.createElement("a");
  link.href = `/sparql?${new URLSearchParams({ query, format })}`;
  const option = formatMenu.selectedOptions[0];
  link.download = `ipgraph-query.${option ? option.dataset.extension || format : format}`;
  document.body.append(link);
  link.click();
  link.remove();
}

function run() {
  const query = view.state.doc.toString();
  textarea.value = query;
  const format = formatMenu.value;
  if (format !== "html") {
    download(query, format);
    return;
  }
  remember(pageUrl(query));
  showAnswer(new URLSearchParams({ query }).toString());
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  run();
});

// Sorting and paging inside the answer: fetched in place, the address kept in step.
answerBox.addEventListener("click", (event) => {
  const link = event.target.closest("a.sort, .pager a");
  if (!link || !answerBox.contains(link)) return;
  event.preventDefault();
  const url = new URL(link.href, location.href);
  remember(`${url.pathname}${url.search}`);
  showAnswer(url.search.slice(1));
});

for (const link of document.querySelectorAll("#examples a[data-example]")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    setQuery(examples[link.dataset.example]);
    for (const other of document.querySelectorAll("#examples a")) other.removeAttribute("aria-current");
    link.setAttribute("aria-current", "true");
    const url = new URL(link.href, location.href);
    remember(`${url.pathname}${url.search}`);
  });
}

for (const button of document.querySelectorAll("button.prefix")) {
  button.addEventListener("click", () => declarePrefix(view, button.dataset.prefix));
}
