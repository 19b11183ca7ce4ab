"""SPARQL over kg output with Oxigraph: run a query, format its results, list the competency queries.

SOURCE is a graph file, a kg output folder or an on-disk store (see ``kg.rdf.store.open_source``). Queries see the
union of all named graphs as their default graph, so ``?s ?p ?o`` finds every fact; ``GRAPH ?g { … }`` still tells
which article a fact came from. kg's prefixes (kg:, schema:, prov:, …) are predeclared.

Results follow the W3C SPARQL 1.1 result formats (JSON, XML, CSV, TSV); ``table`` is for a terminal and aligns
Chinese characters (two columns wide). Graph results (CONSTRUCT, DESCRIBE) come as Turtle, N-Triples or JSON-LD.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
from multiprocessing.connection import Connection
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import QueryError
from kg.rdf.export import DEFAULT_BASE, to_jsonld, to_ntriples, to_turtle
from kg.rdf.quads import nt_term
from kg.rdf.store import is_store_dir, open_source, to_rdflib
from kg.rdf.vocab import PREFIXES, ontology_dir

RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("turtle", "nt", "jsonld")
FORMATS = RESULT_FORMATS + GRAPH_FORMATS

_ERROR_AT = re.compile(r"error at (\d+):(\d+): ?(.*)", re.S)


@dataclass
class QueryResult:
    """The outcome of a query: rows (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE), as rdflib terms."""

    kind: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)


@dataclass(frozen=True)
class CompetencyQuery:
    """A documented query shipped in ontology/queries/."""

    name: str
    title: str
    description: str
    text: str
    path: Path


# ------------------------------------------------------------------------------------------------- running


def _syntax_error(exc: SyntaxError, text: str) -> QueryError:
    message = str(exc)
    match = _ERROR_AT.match(message)
    if not match:
        return QueryError(f"SPARQL syntax error: {message}")
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3).strip()
    lines = text.splitlines() or [""]
    shown = lines[line - 1] if 0 < line <= len(lines) else ""
    pointer = " " * (column - 1) + "^"
    return QueryError(f"SPARQL syntax error at line {line}, column {column}: {detail}\n  {shown}\n  {pointer}")


def execute(store: ox.Store, text: str) -> QueryResult:
    """Run a SPARQL query on an Oxigraph store (default graph = union of all graphs)."""
    try:
        result = store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True, base_iri=DEFAULT_BASE)
    except SyntaxError as exc:
        raise _syntax_error(exc, text) from exc
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(f"query failed: {exc}") from exc
    try:
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(kind="ask", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = [tuple(to_rdflib(solution[v]) for v in variables) for solution in result]
            return QueryResult(kind="select", variables=variables, rows=rows)
        triples = [(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in result]
        return QueryResult(kind="graph", triples=triples)  # type: ignore[arg-type]
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(f"query failed: {exc}") from exc


def _child(source: str, store: ox.Store | None, text: str, conn: Connection) -> None:
    try:
        result = execute(store if store is not None else open_source(source, with_ontology=True), text)
        conn.send(("ok", result))
    except Exception as exc:  # noqa: BLE001 - every failure must reach the parent, which re-raises it as a KGError
        conn.send(("error", str(exc)))
    finally:
        conn.close()


def run(source: str | os.PathLike[str], text: str, timeout: float | None = None) -> QueryResult:
    """Run SPARQL ``text`` on SOURCE; stop it after ``timeout`` seconds (QueryError) when given."""
    store = open_source(source, with_ontology=True)
    if not timeout:
        return execute(store, text)
    # A running Oxigraph query cannot be interrupted from Python, so a query with a time limit runs in a forked child
    # that is killed when the time is up. An on-disk store is reopened in the child rather than shared across fork.
    on_disk = is_store_dir(Path(source))
    if on_disk:
        del store
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(str(source), None if on_disk else store, text, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            child.kill()
            raise QueryError(f"query stopped after {timeout:g} s (--timeout); narrow it or raise the limit")
        try:
            status, payload = receiver.recv()
        except EOFError:
            raise QueryError("the query process died without an answer") from None
    finally:
        child.join(5)
        receiver.close()
    if status == "error":
        raise QueryError(payload)
    return payload


def query(source: str | os.PathLike[str], text: str, fmt: str = "table", timeout: float | None = None) -> str:
    """Run SPARQL ``text`` on SOURCE and return the results formatted as ``fmt`` (see ``FORMATS``)."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown result format {fmt!r}; choose from {', '.join(FORMATS)}")
    return format_result(run(source, text, timeout), fmt)


# ------------------------------------------------------------------------------------------------- formatting


def format_result(result: QueryResult, fmt: str) -> str:
    """Format a query result; graph results accept turtle/nt/jsonld (table means Turtle)."""
    if result.kind == "graph":
        graph = Graph()
        for triple in result.triples:
            graph.add(triple)
        if fmt in ("turtle", "table"):
            return to_turtle(graph)
        if fmt == "nt":
            return to_ntriples(graph)
        if fmt in ("jsonld", "json"):
            return to_jsonld(graph)
        raise QueryError(f"a CONSTRUCT or DESCRIBE result is a graph: use --format turtle, nt or jsonld, not {fmt}")
    if fmt in GRAPH_FORMATS:
        raise QueryError(f"a {result.kind.upper()} result is not a graph: use --format {', '.join(RESULT_FORMATS)}")
    formatter = {"table": _table, "csv": _csv, "tsv": _tsv, "json": _json, "xml": _xml}[fmt]
    return formatter(result)


def display(term: Node | None) -> str:
    """A short human-readable form of a term: prefixed names, decoded instance IRIs, bare literal values."""
    if term is None:
        return ""
    if isinstance(term, Literal):
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    iri = str(term)
    if iri.startswith(DEFAULT_BASE):
        return unquote(iri[len(DEFAULT_BASE) :])
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return unquote(iri)


def text_width(text: str) -> int:
    """Terminal columns of ``text``: wide (CJK) characters take two, combining marks none."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _pad(text: str, width: int) -> str:
    return text + " " * (width - text_width(text))


def _table(result: QueryResult) -> str:
    if result.kind == "ask":
        return ("true" if result.boolean else "false") + "\n"
    header = result.variables
    cells = [[display(t).replace("\n", " ") for t in row] for row in result.rows]
    widths = [max([text_width(h)] + [text_width(r[i]) for r in cells]) for i, h in enumerate(header)]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    lines = [rule, "| " + " | ".join(_pad(h, w) for h, w in zip(header, widths)) + " |", rule]
    lines += ["| " + " | ".join(_pad(c, w) for c, w in zip(row, widths)) + " |" for row in cells]
    lines.append(rule)
    lines.append(f"{len(cells)} row{'s' if len(cells) != 1 else ''}")
    return "\n".join(lines) + "\n"


def _csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerow(["_askResult"])
        writer.writerow(["true" if result.boolean else "false"])
        return buffer.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if t is None else f"_:{t}" if isinstance(t, BNode) else str(t) for t in row])
    return buffer.getvalue()


def _tsv(result: QueryResult) -> str:
    if result.kind == "ask":
        return "?_askResult\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if t is None else nt_term(t) for t in row))
    return "\n".join(lines) + "\n"


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def _json(result: QueryResult) -> str:
    if result.kind == "ask":
        document: dict[str, object] = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [
            {v: _json_term(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows
        ]
        document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{xml_escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{xml_escape(str(term))}</bnode>"
    assert isinstance(term, Literal)
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{xml_escape(str(term))}</literal>"
    if term.datatype is not None and term.datatype != XSD.string:
        return f"<literal datatype={quoteattr(str(term.datatype))}>{xml_escape(str(term))}</literal>"
    return f"<literal>{xml_escape(str(term))}</literal>"


def _xml(result: QueryResult) -> str:
    lines = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "  <head>"]
    if result.kind == "ask":
        lines += ["  </head>", f"  <boolean>{'true' if result.boolean else 'false'}</boolean>", "</sparql>"]
        return "\n".join(lines) + "\n"
    lines += [f"    <variable name={quoteattr(v)}/>" for v in result.variables]
    lines += ["  </head>", "  <results>"]
    for row in result.rows:
        lines.append("    <result>")
        for variable, term in zip(result.variables, row):
            if term is not None:
                lines.append(f"      <binding name={quoteattr(variable)}>{_xml_term(term)}</binding>")
        lines.append("    </result>")
    lines += ["  </results>", "</sparql>"]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------- competency queries


def queries_dir() -> Path:
    """ontology/queries: the documented competency queries."""
    return ontology_dir() / "queries"


def _parse_header(text: str) -> tuple[str, str]:
    """Title (first comment line) and description (the following comment lines) of a .rq file."""
    comments = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        comments.append(line[1:].strip())
    title = comments[0] if comments else ""
    description = " ".join(c for c in comments[1:] if c)
    return title, description


def list_queries() -> list[CompetencyQuery]:
    """Every competency query in ontology/queries, by file name."""
    found = []
    for path in sorted(queries_dir().glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        title, description = _parse_header(text)
        found.append(CompetencyQuery(path.stem, title, description, text, path))
    return found


def named_query(name: str) -> CompetencyQuery:
    """The competency query called ``name`` (file name without .rq)."""
    for item in list_queries():
        if item.name == name:
            return item
    raise QueryError(f"no competency query named {name!r}; `kg query --list` shows them")


def query_listing() -> str:
    """A readable list of the competency queries (``kg query --list``)."""
    items = list_queries()
    width = max((len(q.name) for q in items), default=0)
    return "".join(f"{q.name.ljust(width)}  {q.title}\n" for q in items)
